// The resources' folders use each other's requests, views and lookups (a feature names its
// repository, an approval answers with a feature's state): their namespaces are in scope everywhere.
global using Builder.Api.Agents;
global using Builder.Api.Approvals;
global using Builder.Api.Audit;
global using Builder.Api.Features;
global using Builder.Api.Keys;
global using Builder.Api.Repositories;
global using Builder.Api.Status;
global using Builder.Api.ServiceContract;
global using Builder.Api.Usage;
global using Builder.Core.Execution;
global using Builder.Core.SourceControl;

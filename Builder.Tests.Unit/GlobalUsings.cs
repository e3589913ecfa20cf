// Process execution and git moved to Builder.Core so the Api can read remotes without the Worker.
global using Builder.Core.Execution;
global using Builder.Core.SourceControl;
global using Builder.Tests.Unit;

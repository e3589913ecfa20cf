using Builder.Api;
using Builder.Api.Apis;
using Builder.Api.Infrastructure;
using Builder.Api.Reviews;
using Builder.Api.Streaming;
using Builder.Api.Tasks;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseRequestSizeLimits();

app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
var api = app.MapGroup("").WithRateLimitResponses();
api.MapMeApi();
api.MapRepositoriesApi();
api.MapFeaturesApi();
api.MapApprovalsApi();
api.MapArtifactsApi();
api.MapAgentsApi();
api.MapKeysApi();
api.MapTasksApi();
api.MapReviewsApi();
api.MapLiveProgress();

app.Run();

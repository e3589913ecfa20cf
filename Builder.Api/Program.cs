using Builder.Api;
using Builder.Api.Apis;
using Builder.Api.Infrastructure;
using Builder.Api.Reviews;
using Builder.Api.Tasks;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRequestSizeLimits();

app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapMeApi();
app.MapRepositoriesApi();
app.MapFeaturesApi();
app.MapApprovalsApi();
app.MapArtifactsApi();
app.MapAgentsApi();
app.MapKeysApi();
app.MapTasksApi();
app.MapReviewsApi();

app.Run();

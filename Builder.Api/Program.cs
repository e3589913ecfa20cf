using Builder.Api;
using Builder.Api.Apis;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapMeApi();
app.MapRepositoriesApi();
app.MapFeaturesApi();
app.MapApprovalsApi();
app.MapArtifactsApi();
app.MapTestResultsApi();
app.MapBoardApi();
app.MapRepositorySettingsApi();
app.MapSystemApi();

app.Run();

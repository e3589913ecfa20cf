using Builder.Web;
using Builder.Web.Account;
using Builder.Web.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);

// No HTTPS redirection or HSTS here: the dashboard listens on plain HTTP on loopback under the
// AppHost, and TLS terminates at the ingress when it is deployed.
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapSingleSignOn();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapDefaultEndpoints();

app.Run();

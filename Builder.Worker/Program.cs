using Builder.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWorkerServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

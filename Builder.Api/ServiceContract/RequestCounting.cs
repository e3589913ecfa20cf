namespace Builder.Api.ServiceContract;

public static class RequestCounting
{
    /// <summary>Counts every request and its status for GET /state; first in the pipeline, so refusals and failures count too.</summary>
    public static IApplicationBuilder UseRequestCounting(this IApplicationBuilder app)
    {
        var counters = app.ApplicationServices.GetRequiredService<RequestCounters>();
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch
            {
                counters.Count(StatusCodes.Status500InternalServerError);
                throw;
            }

            counters.Count(context.Response.StatusCode);
        });
    }
}

using Builder.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Builder.Web.Account;

/// <summary>
/// Signs a new circuit in from the cookie its connection came with, before any page renders: a
/// reload or a new tab starts a new circuit, and this is what keeps it signed in. The key is asked
/// about once more, so that one revoked since the cookie was issued shows the sign-in form and the
/// reason at once, not a page that fails on its first call.
/// </summary>
public sealed class SessionRestorer(AuthenticationStateProvider authentication, ApiSession session, BuilderApiClient api, ILogger<SessionRestorer> logger) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (!SessionClaims.TryRead(state.User, out var key, out var me))
            return;
        try
        {
            if (await api.CheckKeyAsync(key, cancellationToken) is { } current)
                session.SignIn(key, current);
            else
                session.SignOut(BuilderApiClient.KeyNoLongerAccepted);
        }
        catch (BuilderApiException e)
        {
            // The API is down, not the key refused: keep the sign-in; the pages say the API is unreachable.
            logger.LogDebug(e, "The key of a restored sign-in could not be checked");
            session.SignIn(key, me);
        }
    }
}

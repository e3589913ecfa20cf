using Builder.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Builder.Web.Account;

/// <summary>
/// Signs a new circuit in from the cookie its connection came with, before any page renders: a
/// reload or a new tab starts a new circuit, and this is what keeps it signed in.
/// </summary>
public sealed class SessionRestorer(AuthenticationStateProvider authentication, ApiSession session) : CircuitHandler
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (SessionClaims.TryRead(state.User, out var key, out var me))
            session.SignIn(key, me);
    }
}

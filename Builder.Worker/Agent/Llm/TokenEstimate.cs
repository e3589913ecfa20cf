using System.Text;

namespace Builder.Worker.Agent.Llm;

/// <summary>
/// A provider-neutral token estimate: about four bytes of UTF-8 per token. It errs high for prose
/// and low for dense code, so every budget that relies on it keeps a margin.
/// </summary>
public static class TokenEstimate
{
    public static int OfText(string text) => OfBytes(Encoding.UTF8.GetByteCount(text));

    public static int OfBytes(long bytes) => (int)Math.Min(int.MaxValue, (bytes + 3) / 4);
}

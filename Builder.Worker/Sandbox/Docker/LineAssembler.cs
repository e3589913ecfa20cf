using System.Text;

namespace Builder.Worker.Sandbox.Docker;

/// <summary>Turns one stream's raw chunks into lines; a UTF-8 character split across chunks stays whole.</summary>
sealed class LineAssembler(Action<string> onLine)
{
    readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    readonly StringBuilder _line = new();

    public void Add(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[Encoding.UTF8.GetMaxCharCount(Math.Min(bytes.Length, 4096))];
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, 4096);
            var count = _decoder.GetChars(bytes[..take], chars, flush: false);
            bytes = bytes[take..];
            foreach (var c in chars[..count])
            {
                if (c == '\n')
                {
                    onLine(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                }
                else
                {
                    _line.Append(c);
                }
            }
        }
    }

    public void Flush()
    {
        if (_line.Length > 0)
            onLine(_line.ToString());
        _line.Clear();
    }
}

using System.Text;

namespace Builder.Core.Execution;

/// <summary>Collects output lines up to a size; beyond it only the tail is kept (the end of a log says most).</summary>
public sealed class OutputBuffer(int maxChars)
{
    readonly StringBuilder _text = new();
    long _dropped;

    public void Append(string line)
    {
        lock (_text)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > maxChars)
            {
                var excess = _text.Length - maxChars;
                _text.Remove(0, excess);
                _dropped += excess;
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
            return _dropped == 0 ? _text.ToString() : $"[builder] {_dropped} earlier characters of output were dropped\n{_text}";
    }
}

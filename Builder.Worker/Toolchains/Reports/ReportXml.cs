using System.Xml;
using System.Xml.Linq;

namespace Builder.Worker.Toolchains;

static class ReportXml
{
    /// <summary>Loads a report without resolving DTDs or external entities: reports come from the repository's code.</summary>
    public static XDocument? Load(string path)
    {
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            // A runner killed mid-write leaves a truncated report: it counts as no report.
            return null;
        }
    }

    /// <summary>A failure message fit for an event log: the first lines, without terminal colours.</summary>
    public static string? Message(string? text, int maxChars = 4000)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var clean = System.Text.RegularExpressions.Regex.Replace(text, @"\x1B\[[0-9;]*[A-Za-z]", "").Trim();
        return clean.Length <= maxChars ? clean : clean[..maxChars] + "…";
    }
}

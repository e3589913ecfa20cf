using System.Buffers.Binary;
using System.Text;

namespace Builder.Benchmarks.Load;

/// <summary>One span as an OTLP exporter sent it, with the service and instrumentation scope that made it.</summary>
public sealed record ReceivedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    ulong StartNanos, ulong EndNanos, IReadOnlyDictionary<string, string> Attributes)
{
    public double Milliseconds => EndNanos > StartNanos ? (EndNanos - StartNanos) / 1e6 : 0;
}

/// <summary>
/// Reads an OTLP ExportTraceServiceRequest in protobuf's wire format, keeping what the load report
/// needs. Field numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto):
/// request.resource_spans=1; ResourceSpans.resource=1, .scope_spans=2; Resource.attributes=1;
/// ScopeSpans.scope=1, .spans=2; InstrumentationScope.name=1; Span.trace_id=1, span_id=2,
/// parent_span_id=4, name=5, kind=6, start_time_unix_nano=7 (fixed64), end_time_unix_nano=8
/// (fixed64), attributes=9; KeyValue.key=1, value=2; AnyValue.string_value=1, bool_value=2,
/// int_value=3, double_value=4. Everything else is skipped by its wire type.
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        var reader = new WireReader(request);
        while (reader.Next(out var field, out var type))
            if (field == 1 && type == WireReader.TypeLengthDelimited)
                ResourceSpans(reader.Bytes(), spans);
            else
                reader.Skip(type);
        return spans;
    }

    static void ResourceSpans(ReadOnlySpan<byte> message, List<ReceivedSpan> spans)
    {
        var service = "";
        // The resource comes first in what the SDK writes, but protobuf allows any order: spans wait for it.
        var scopes = new List<(int Start, int Length)>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == WireReader.TypeLengthDelimited)
                service = Attributes(reader.Bytes(), 1).GetValueOrDefault("service.name", "");
            else if (field == 2 && type == WireReader.TypeLengthDelimited)
                scopes.Add(reader.Slice());
            else
                reader.Skip(type);
        }

        foreach (var (start, length) in scopes)
            ScopeSpans(message.Slice(start, length), service, spans);
    }

    static void ScopeSpans(ReadOnlySpan<byte> message, string service, List<ReceivedSpan> spans)
    {
        var scope = "";
        var found = new List<(int Start, int Length)>();
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == WireReader.TypeLengthDelimited)
                scope = FirstString(reader.Bytes(), 1);
            else if (field == 2 && type == WireReader.TypeLengthDelimited)
                found.Add(reader.Slice());
            else
                reader.Skip(type);
        }

        foreach (var (start, length) in found)
            spans.Add(Span(message.Slice(start, length), service, scope));
    }

    static ReceivedSpan Span(ReadOnlySpan<byte> message, string service, string scope)
    {
        string trace = "", span = "", parent = "", name = "";
        var kind = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireReader.TypeLengthDelimited): trace = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, WireReader.TypeLengthDelimited): span = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, WireReader.TypeLengthDelimited): parent = Convert.ToHexStringLower(reader.Bytes()); break;
                case (5, WireReader.TypeLengthDelimited): name = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (6, WireReader.TypeVarint): kind = (int)reader.Varint(); break;
                case (7, WireReader.TypeFixed64): start = reader.Fixed64(); break;
                case (8, WireReader.TypeFixed64): end = reader.Fixed64(); break;
                case (9, WireReader.TypeLengthDelimited): KeyValue(reader.Bytes(), attributes); break;
                default: reader.Skip(type); break;
            }
        }

        return new ReceivedSpan(service, scope, trace, span, parent, name, kind, start, end, attributes);
    }

    /// <summary>The KeyValues of a message whose field <paramref name="field"/> repeats them (Resource.attributes).</summary>
    static Dictionary<string, string> Attributes(ReadOnlySpan<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new WireReader(message);
        while (reader.Next(out var number, out var type))
            if (number == field && type == WireReader.TypeLengthDelimited)
                KeyValue(reader.Bytes(), attributes);
            else
                reader.Skip(type);
        return attributes;
    }

    static void KeyValue(ReadOnlySpan<byte> message, Dictionary<string, string> into)
    {
        string key = "", value = "";
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var type))
            if (field == 1 && type == WireReader.TypeLengthDelimited)
                key = Encoding.UTF8.GetString(reader.Bytes());
            else if (field == 2 && type == WireReader.TypeLengthDelimited)
                value = AnyValue(reader.Bytes());
            else
                reader.Skip(type);
        into[key] = value;
    }

    static string AnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new WireReader(message);
        while (reader.Next(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireReader.TypeLengthDelimited): return Encoding.UTF8.GetString(reader.Bytes());
                case (2, WireReader.TypeVarint): return reader.Varint() != 0 ? "true" : "false";
                case (3, WireReader.TypeVarint): return ((long)reader.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case (4, WireReader.TypeFixed64): return BitConverter.UInt64BitsToDouble(reader.Fixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                default: reader.Skip(type); break;
            }
        }

        return "";
    }

    static string FirstString(ReadOnlySpan<byte> message, int field)
    {
        var reader = new WireReader(message);
        while (reader.Next(out var number, out var type))
            if (number == field && type == WireReader.TypeLengthDelimited)
                return Encoding.UTF8.GetString(reader.Bytes());
            else
                reader.Skip(type);
        return "";
    }

    /// <summary>Protobuf's wire format: a varint key (field number and wire type) before each value.</summary>
    ref struct WireReader(ReadOnlySpan<byte> data)
    {
        public const int TypeVarint = 0;
        public const int TypeFixed64 = 1;
        public const int TypeLengthDelimited = 2;
        public const int TypeFixed32 = 5;

        readonly ReadOnlySpan<byte> _data = data;
        int _position;

        public bool Next(out int field, out int type)
        {
            if (_position >= _data.Length)
            {
                field = type = 0;
                return false;
            }

            var key = ReadVarint();
            field = (int)(key >> 3);
            type = (int)(key & 7);
            return true;
        }

        public ulong Varint() => ReadVarint();

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var (start, length) = Slice();
            return _data.Slice(start, length);
        }

        /// <summary>Where the next length-delimited value lies in the message, to read it later.</summary>
        public (int Start, int Length) Slice()
        {
            var length = checked((int)ReadVarint());
            var start = _position;
            _position += length;
            if (_position > _data.Length)
                throw new FormatException("A length-delimited field runs past the end of its message.");
            return (start, length);
        }

        public void Skip(int type)
        {
            switch (type)
            {
                case TypeVarint: ReadVarint(); break;
                case TypeFixed64: _position += 8; break;
                case TypeLengthDelimited: Slice(); break;
                case TypeFixed32: _position += 4; break;
                default: throw new FormatException($"Wire type {type} is not one OTLP uses.");
            }
        }

        ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                    return value;
            }

            throw new FormatException("A varint is longer than 10 bytes.");
        }
    }
}

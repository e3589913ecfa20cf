// The few things the dashboard needs from the browser itself. Loaded as a plain script so that
// server-side code can call window.builder.* through JS interop.
window.builder = {
    // The viewer's IANA time zone, so the server can render times in it.
    timeZone: function () {
        try {
            return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
        } catch {
            return null;
        }
    },

    // Copies text; falls back to selecting the element's text where the clipboard API is refused.
    copy: async function (text, elementId) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            const element = elementId && document.getElementById(elementId);
            if (element) {
                const range = document.createRange();
                range.selectNodeContents(element);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
            }
            return false;
        }
    },

    // Saves a file the server streams: the API needs the circuit's key, so the browser cannot fetch it itself.
    download: async function (fileName, contentType, streamReference) {
        const buffer = await streamReference.arrayBuffer();
        const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
        const anchor = document.createElement("a");
        anchor.href = url;
        anchor.download = fileName;
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        URL.revokeObjectURL(url);
    },
};

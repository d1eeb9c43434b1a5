import QRCode from "qrcode";

// QR codes as SVG (the qrcode package): vector, so they print sharp at any size, and Typst
// embeds an SVG given as bytes. Level M survives a smudge or a fold in a printed sheet; the
// four-module quiet zone is what scanners need around the code.

const cache = new Map<string, Promise<string>>();

export function qrSvg(url: string): Promise<string> {
  let svg = cache.get(url);
  if (!svg) {
    svg = QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
    // Addresses are cases × languages (and one report page): few, and the same for the process.
    if (cache.size > 2000) cache.clear();
    cache.set(url, svg);
  }
  return svg;
}

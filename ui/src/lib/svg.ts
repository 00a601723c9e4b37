// The QR code arrives as an SVG document string. It is shown through an <img> data URL:
// an SVG loaded as an image cannot run scripts or load anything, and the CSP allows
// `img-src data:`. Never parse it into the page with innerHTML.

export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  // btoa wants a "binary string"; build it in chunks to avoid huge argument lists.
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

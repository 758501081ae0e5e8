import { Image } from "@mantine/core";
import { useMemo } from "react";
import { renderSVG } from "uqr";

/**
 * An SVG QR code shown as a data: image (allowed by the CSP's img-src), no canvas needed.
 * `uqr` is used because it still loads with Tauri's freezePrototype on (the `qrcode` package
 * assigns `exports.toString`, which throws once Object.prototype is frozen).
 */
export function QrCode({ value, size = 200 }: { value: string; size?: number }) {
  const src = useMemo(() => {
    try {
      return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(value, { ecc: "M", border: 2 }))}`;
    } catch {
      return null;
    }
  }, [value]);

  if (!src) return null;
  return <Image src={src} w={size} h={size} alt="QR code for your authenticator app" data-testid="totp-qr" />;
}

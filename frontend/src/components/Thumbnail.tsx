/** A sample drawn from its pixel values. */
import { useEffect, useRef } from "react";

import type { PixelImage } from "../lib/preview";

export function PixelThumbnail({ image, label }: { image: PixelImage; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    context.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  }, [image]);
  return (
    <canvas
      ref={canvas}
      width={image.width}
      height={image.height}
      className="thumb thumb-pixels"
      role="img"
      aria-label={label ? `Sample of class ${label}` : "Sample"}
    />
  );
}

#!/usr/bin/env python3
"""Draws Ninsho's app icon (a countdown ring around a keyhole) in every size Tauri bundles."""
import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
S = 1024  # master size


def master():
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    # Rounded square with a vertical gradient.
    grad = Image.new("RGBA", (S, S))
    top, bottom = (59, 91, 219), (109, 40, 217)
    for y in range(S):
        t = y / (S - 1)
        grad.paste(tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)) + (255,), (0, y, S, y + 1))
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle([40, 40, S - 40, S - 40], radius=220, fill=255)
    img.paste(grad, (0, 0), mask)
    # Countdown ring: three quarters bright, the rest faint (blended, not painted over).
    box = [212, 212, S - 212, S - 212]
    faint = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    ImageDraw.Draw(faint).arc(box, start=180, end=270, fill=(255, 255, 255, 80), width=70)
    img = Image.alpha_composite(img, faint)
    d = ImageDraw.Draw(img)
    d.arc(box, start=-90, end=180, fill=(255, 255, 255, 255), width=70)
    # Keyhole.
    cx, cy = S // 2, S // 2 - 40
    r = 92
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 255, 255, 255))
    d.polygon([(cx - 52, cy + 40), (cx + 52, cy + 40), (cx + 78, cy + 230), (cx - 78, cy + 230)], fill=(255, 255, 255, 255))
    return img


def main():
    big = master()
    # The hicolor sizes desktops look for (16 to 512), Tauri's own names, and the Windows logos.
    hicolor = [(f"{n}x{n}.png", n) for n in (16, 48, 64, 256, 512)]
    for name, size in hicolor + [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512),
                                 ("Square44x44Logo.png", 44), ("Square150x150Logo.png", 150), ("StoreLogo.png", 50)]:
        big.resize((size, size), Image.LANCZOS).save(HERE / name)
    big.save(HERE / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.save(HERE / "icon.icns")


if __name__ == "__main__":
    main()

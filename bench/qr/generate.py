#!/usr/bin/env python3
"""Generate the QR-screenshot corpus that bench/qr/run.py measures decoders on.

What a person points Ninsho at is rarely a clean QR code: it is a screenshot of a 2FA setup
page, light or dark, at some device scale, with the code drawn as an <img>, a <canvas> or an
<svg>, sometimes small in the corner of a 4K desktop, sometimes photographed, blurred or
re-compressed, sometimes next to other codes. This script renders such pages in Debian's
Chromium (through Playwright, pointed at /usr/bin/chromium) and degrades some of them, with a
fixed seed so a corpus can be rebuilt exactly. Nothing here is tuned to any decoder: sizes,
themes and distortions are drawn from ranges that real pages and screenshots span.

Output: <out>/images/*.{png,jpg,webp} and <out>/manifest.json, a list of
{"file", "expected": [payload texts], "tags": [...], "module_px": float|null}.
"""

import argparse
import base64
import io
import json
import math
import random
import string
import sys
from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

ISSUERS = [
    "GitHub", "GitLab", "Example Bank", "ACME Co", "Dropbox", "Proton", "Mastodon", "npm",
    "Cloudflare", "DigitalOcean", "Fastmail", "Nextcloud", "Bitwarden", "PyPI", "Discord",
    "Hetzner", "Linode", "OVH", "Zoho", "Atlassian", "Okta", "Tailscale", "Vercel", "日本銀行",
    "Müller GmbH", "Société Générale", "Kraken", "Coinbase", "Steam", "Reddit",
]
WORDS = (
    "two factor authentication protects your account even if your password is stolen scan "
    "the code with your authenticator app then enter the six digit code it shows to finish "
    "setup keep your recovery codes somewhere safe you will need them if you lose your device"
).split()


def rand_secret(rng, nbytes=None):
    nbytes = nbytes or rng.choice([10, 16, 20, 20, 20, 32])
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    return raw, base64.b32encode(raw).decode().rstrip("=")


def rand_name(rng):
    user = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))
    domain = rng.choice(["example.com", "mail.example.org", "corp.example", "example.net"])
    return rng.choice([f"{user}@{domain}", user, f"{user}.{rng.randint(1, 99)}@{domain}"])


def pct(text):
    out = []
    for b in text.encode():
        c = chr(b)
        out.append(c if (c.isascii() and c.isalnum()) or c in "-._~@" else "%%%02X" % b)
    return "".join(out)


def otpauth_uri(rng):
    issuer = rng.choice(ISSUERS)
    name = rand_name(rng)
    _, secret = rand_secret(rng)
    params = [f"secret={secret}", f"issuer={pct(issuer)}"]
    if rng.random() < 0.25:
        params.append(f"algorithm={rng.choice(['SHA1', 'SHA256', 'SHA512'])}")
    if rng.random() < 0.2:
        params.append(f"digits={rng.choice([6, 8])}")
    if rng.random() < 0.2:
        params.append(f"period={rng.choice([30, 60])}")
    if rng.random() < 0.15:
        params.append("image=" + pct(f"https://{issuer.lower().replace(' ', '')}.example/logo.png"))
    kind = "hotp" if rng.random() < 0.05 else "totp"
    if kind == "hotp":
        params.append(f"counter={rng.randint(0, 1000)}")
    rng.shuffle(params)
    return f"otpauth://{kind}/{pct(issuer)}:{pct(name)}?" + "&".join(params)


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(tag, wire, value):
    key = varint((tag << 3) | wire)
    if wire == 0:
        return key + varint(value)
    return key + varint(len(value)) + value


def migration_uri(rng, accounts, batch_size=1, batch_index=0, batch_id=None):
    body = b""
    for _ in range(accounts):
        raw, _ = rand_secret(rng, rng.choice([10, 20, 20]))
        issuer = rng.choice(ISSUERS)
        entry = field(1, 2, raw) + field(2, 2, rand_name(rng).encode()) + field(3, 2, issuer.encode())
        entry += field(4, 0, 1) + field(5, 0, 1) + field(6, 0, 2)
        body += field(1, 2, entry)
    batch_id = batch_id if batch_id is not None else rng.randint(-2**31, 2**31 - 1)
    body += field(2, 0, 1) + field(3, 0, batch_size)
    if batch_index:
        body += field(4, 0, batch_index)
    body += field(5, 0, batch_id)
    data = base64.b64encode(body).decode()
    return "otpauth-migration://offline?data=" + data.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def payload(rng, kind=None):
    kind = kind or rng.choices(["otpauth", "mig1", "mig5", "mig10"], [45, 20, 20, 15])[0]
    if kind == "otpauth":
        return kind, otpauth_uri(rng)
    return kind, migration_uri(rng, {"mig1": 1, "mig5": 5, "mig10": 10}[kind])


def qr_matrix(text, error=None, rng=None):
    error = error or (rng.choice(["l", "m", "m", "q"]) if rng else "m")
    qr = segno.make_qr(text, error=error, boost_error=False)
    return [[bool(v) for v in row] for row in qr.matrix]


def qr_image(matrix, module, quiet=4, dark=0, light=255):
    n = len(matrix)
    size = (n + 2 * quiet) * module
    arr = np.full((size, size), light, dtype=np.uint8)
    for y, row in enumerate(matrix):
        for x, v in enumerate(row):
            if v:
                y0, x0 = (y + quiet) * module, (x + quiet) * module
                arr[y0:y0 + module, x0:x0 + module] = dark
    return Image.fromarray(arr, "L")


def png_data_url(img):
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


# ---------------------------------------------------------------- HTML pages

THEMES = {
    "light": dict(bg="#f3f4f6", card="#ffffff", fg="#1f2937", muted="#6b7280", accent="#2563eb", qr_dark="#000000", qr_light="#ffffff"),
    "dark": dict(bg="#0d1117", card="#161b22", fg="#e6edf3", muted="#8b949e", accent="#2f81f7", qr_dark="#000000", qr_light="#ffffff"),
    "dark-inverted": dict(bg="#111318", card="#1b1e24", fg="#e8e8e8", muted="#9aa0a6", accent="#8ab4f8", qr_dark="#e8eaed", qr_light="#1b1e24"),
}


def qr_element(rng, matrix, css_px, element, theme):
    n = len(matrix)
    quiet = 4 if theme != "dark-inverted" else rng.choice([1, 2, 4])
    dark, light = theme_colors(theme)
    if element == "img":
        scale = rng.choice([1, 2, 3, 4, 6, 8])
        img = qr_image(matrix, scale, quiet=quiet).convert("RGB")
        if theme == "dark-inverted":
            img = Image.eval(img, lambda v: 255 - v)
            img = recolor(img, dark, light)
        rendering = rng.choice(["auto", "auto", "pixelated"])
        return f'<img src="{png_data_url(img)}" style="width:{css_px}px;height:{css_px}px;image-rendering:{rendering}">'
    if element == "svg":
        total = n + 2 * quiet
        rects = "".join(
            f'<rect x="{x + quiet}" y="{y + quiet}" width="1" height="1"/>'
            for y, row in enumerate(matrix) for x, v in enumerate(row) if v
        )
        crisp = rng.choice(["auto", "crispEdges"])
        return (f'<svg viewBox="0 0 {total} {total}" width="{css_px}" height="{css_px}" shape-rendering="{crisp}">'
                f'<rect width="{total}" height="{total}" fill="{light}"/><g fill="{dark}">{rects}</g></svg>')
    # canvas: drawn the way qrcode.js-style libraries do, fillRect per module at fractional size,
    # and sized either in CSS pixels (blurry on high-DPI) or in device pixels.
    mat = json.dumps([[1 if v else 0 for v in row] for row in matrix])
    hidpi = rng.random() < 0.5
    cid = "c%d" % rng.randint(0, 10**9)
    return (f'<canvas id="{cid}" style="width:{css_px}px;height:{css_px}px"></canvas>'
            f'<script>(function(){{const m={mat};const q={quiet};const c=document.getElementById("{cid}");'
            f'const r={"window.devicePixelRatio" if hidpi else "1"};const s={css_px}*r;c.width=s;c.height=s;'
            f'const g=c.getContext("2d");g.fillStyle="{light}";g.fillRect(0,0,s,s);g.fillStyle="{dark}";'
            f'const k=s/(m.length+2*q);for(let y=0;y<m.length;y++)for(let x=0;x<m.length;x++)'
            f'if(m[y][x])g.fillRect((x+q)*k,(y+q)*k,k,k);}})();</script>')


def theme_colors(theme):
    t = THEMES[theme]
    return t["qr_dark"], t["qr_light"]


def recolor(img, dark, light):
    def hexrgb(h):
        return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))
    d, l = np.array(hexrgb(dark), float), np.array(hexrgb(light), float)
    a = np.asarray(img.convert("L"), float)[..., None] / 255.0
    return Image.fromarray((d * (1 - a) + l * a).astype(np.uint8), "RGB")


def lorem(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def setup_card(rng, theme, qr_html, secret_text, extra_html=""):
    t = THEMES[theme]
    font = rng.choice(["system-ui, sans-serif", "DejaVu Sans, sans-serif", "Georgia, serif", "Noto Sans CJK JP, sans-serif"])
    return f"""
    <div style="background:{t['card']};color:{t['fg']};border-radius:12px;padding:28px 32px;
         box-shadow:0 2px 14px rgba(0,0,0,.25);max-width:{rng.randint(420, 720)}px;font-family:{font};">
      <h2 style="margin:0 0 12px">{rng.choice(['Set up two-factor authentication', 'Enable 2FA', 'Configure authenticator app', 'Scan this QR code', '二段階認証の設定'])}</h2>
      <p style="color:{t['muted']};line-height:1.5">{lorem(rng, rng.randint(18, 40))}</p>
      <div style="margin:18px 0;{'display:flex;gap:24px;align-items:center' if rng.random() < 0.5 else ''}">
        <div style="display:inline-block;padding:{rng.choice([0, 4, 8, 12])}px;background:{t['qr_light']};border-radius:6px">{qr_html}</div>
        <div style="font-size:14px;color:{t['muted']}">{extra_html}<p>Can't scan it? Enter this key:</p>
          <code style="color:{t['fg']};font-size:15px">{secret_text}</code></div>
      </div>
      <label style="display:block;margin-top:12px">Verification code</label>
      <input style="font-size:18px;padding:8px;width:180px;margin-top:6px" placeholder="123456">
      <button style="margin-left:10px;padding:9px 18px;background:{t['accent']};color:white;border:0;border-radius:6px">Verify</button>
      <p style="color:{t['muted']};font-size:13px;margin-top:22px">{lorem(rng, rng.randint(10, 30))}</p>
    </div>"""


def page_html(rng, theme, body):
    t = THEMES[theme]
    nav = "".join(f'<a style="color:{t["muted"]};margin-right:18px">{w}</a>' for w in rng.sample(["Home", "Settings", "Security", "Billing", "Profile", "Help", "Sign out"], 5))
    sidebar = "".join(f"<div style='padding:8px 0;color:{t['muted']}'>{w.capitalize()}</div>" for w in rng.sample(WORDS, 8))
    return f"""<!doctype html><html><head><meta charset="utf-8"></head>
    <body style="margin:0;background:{t['bg']};color:{t['fg']};font-family:system-ui,sans-serif">
      <div style="padding:14px 24px;border-bottom:1px solid {t['muted']}55">{nav}</div>
      <div style="display:flex;gap:28px;padding:28px">
        <div style="width:{rng.randint(150, 260)}px;font-size:14px">{sidebar}</div>
        <div style="flex:1">{body}</div>
      </div></body></html>"""


def desktop_html(rng, theme, inner, window_w, window_h, pos):
    t = THEMES[theme]
    other = "".join(
        f'<div style="position:absolute;left:{rng.randint(0, 60)}%;top:{rng.randint(0, 60)}%;width:{rng.randint(300, 900)}px;'
        f'height:{rng.randint(200, 600)}px;background:{rng.choice(["#2d2d2d", "#fafafa", "#1e3a5f", "#3c3c3c"])};'
        f'border:1px solid #555;padding:10px;color:#999;font:13px monospace;overflow:hidden">{lorem(rng, 120)}</div>'
        for _ in range(rng.randint(1, 4)))
    x, y = pos
    return f"""<!doctype html><html><head><meta charset="utf-8"></head>
    <body style="margin:0;width:100vw;height:100vh;overflow:hidden;background:linear-gradient(135deg,#304352,#d7d2cc);position:relative">
      {other}
      <div style="position:absolute;{x};{y};width:{window_w}px;height:{window_h}px;background:{t['bg']};
           border:1px solid #666;border-radius:8px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.5)">
        <div style="height:34px;background:#dee1e6;display:flex;align-items:center;padding-left:12px;font:13px sans-serif;color:#333">
          ● ● ● &nbsp; https://accounts.example.com/security/2fa</div>
        <div style="padding:18px;transform-origin:0 0">{inner}</div>
      </div>
      <div style="position:absolute;left:0;right:0;bottom:0;height:40px;background:rgba(20,20,20,.9)"></div>
    </body></html>"""


# ---------------------------------------------------------------- degradations

def degrade(rng, img, kind):
    img = img.convert("RGB")
    if kind == "jpeg":
        return img, rng.randint(50, 90)
    if kind == "blur":
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4))), None
    if kind == "noise":
        arr = np.asarray(img, float)
        arr += np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(8, 22), arr.shape)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), None
    if kind == "lowcontrast":
        lo, hi = rng.choice([(120, 230), (150, 225), (100, 190), (90, 170)])
        arr = np.asarray(img, float) / 255.0 * (hi - lo) + lo
        return Image.fromarray(arr.astype(np.uint8)), None
    if kind == "rot90":
        return img.rotate(rng.choice([90, 180, 270]), expand=True), None
    if kind == "rotation":
        angle = rng.choice([-1, 1]) * rng.uniform(5, 15)
        return img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255)), None
    if kind == "perspective":
        w, h = img.size
        d = 0.12
        src = [(0, 0), (w, 0), (w, h), (0, h)]
        dst = [(rng.uniform(0, d) * w, rng.uniform(0, d) * h), (w - rng.uniform(0, d) * w, rng.uniform(0, d) * h),
               (w - rng.uniform(0, d) * w, h - rng.uniform(0, d) * h), (rng.uniform(0, d) * w, h - rng.uniform(0, d) * h)]
        coeffs = perspective_coeffs(dst, src)
        return img.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=(255, 255, 255)), None
    raise ValueError(kind)


def perspective_coeffs(dst, src):
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, float)
    b = np.array([c for p in src for c in p], float)
    return np.linalg.solve(a, b).tolist()


# ---------------------------------------------------------------- the corpus

class Corpus:
    def __init__(self, out, rng):
        self.out = out
        self.images = out / "images"
        self.images.mkdir(parents=True, exist_ok=True)
        self.rng = rng
        self.entries = []

    def add(self, img, expected, tags, module_px=None, fmt="png", quality=None):
        name = f"{len(self.entries):04d}_{tags[0]}.{ 'jpg' if fmt == 'jpeg' else fmt}"
        path = self.images / name
        if fmt == "jpeg":
            img.convert("RGB").save(path, "JPEG", quality=quality or 85)
        elif fmt == "webp":
            img.save(path, "WEBP", lossless=True)
        else:
            img.save(path, "PNG")
        w, h = img.size
        mp = w * h / 1e6
        res = "small" if mp < 1.0 else "1080p" if mp <= 2.2 else "1440p" if mp <= 3.8 else "4k"
        self.entries.append(dict(file=f"images/{name}", expected=sorted(set(expected)), tags=tags + [f"res:{res}"],
                                 module_px=module_px, width=w, height=h))


def module_tag(px):
    if px is None:
        return []
    bucket = "<1.5" if px < 1.5 else "1.5-2.5" if px < 2.5 else "2.5-4" if px < 4 else ">=4"
    return [f"module:{bucket}"]


def kind_tags(kind):
    return ["payload:otpauth"] if kind == "otpauth" else ["payload:migration", f"payload:{kind}"]


def gen_clean(c, count):
    rng = c.rng
    for i in range(count):
        kind, text = payload(rng)
        matrix = qr_matrix(text, rng=rng)
        module = rng.choice([1, 1.5, 2, 2.5, 3, 4, 6, 8])
        if module == int(module):
            img = qr_image(matrix, int(module))
        else:
            big = qr_image(matrix, 8)
            size = round(big.width * module / 8)
            img = big.resize((size, size), Image.BILINEAR)
        c.add(img, [text], ["clean", f"clean:mod{module}"] + kind_tags(kind) + module_tag(module), module)


def screenshot(browser, html, viewport, dpr, full_page=False):
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=dpr)
    page = ctx.new_page()
    page.set_content(html, wait_until="load")
    data = page.screenshot(type="png", full_page=full_page)
    ctx.close()
    return Image.open(io.BytesIO(data)).convert("RGB")


def gen_pages(c, browser, count, family="page"):
    rng = c.rng
    for i in range(count):
        theme = rng.choices(list(THEMES), [45, 35, 20])[0]
        element = rng.choice(["img", "img", "canvas", "svg"])
        dpr = rng.choice([1, 1, 1.25, 1.5, 2])
        viewport = rng.choice([(1280, 800), (1366, 768), (1440, 900), (1536, 864), (1920, 1080)])
        kind, text = payload(rng)
        matrix = qr_matrix(text, rng=rng)
        n = len(matrix)
        css_px = rng.randint(max(110, n * 1), 300)
        qr_html = qr_element(rng, matrix, css_px, element, theme)
        _, secret_text = rand_secret(rng)
        html = page_html(rng, theme, setup_card(rng, theme, qr_html, " ".join(secret_text[j:j + 4] for j in range(0, len(secret_text), 4))))
        img = screenshot(browser, html, viewport, dpr)
        module_px = css_px * dpr / (n + 8)
        tags = [family, f"theme:{theme}", f"element:{element}", f"dpr:{dpr}"] + kind_tags(kind) + module_tag(module_px)
        c.add(img, [text], tags, module_px)


def gen_desktop(c, browser, count):
    rng = c.rng
    for i in range(count):
        theme = rng.choices(list(THEMES), [45, 35, 20])[0]
        element = rng.choice(["img", "canvas", "svg"])
        viewport, dpr = rng.choice([((1920, 1080), 1), ((2560, 1440), 1), ((1920, 1080), 2), ((3840, 2160), 1), ((1280, 720), 2)])
        kind, text = payload(rng, rng.choices(["otpauth", "mig1", "mig5"], [60, 25, 15])[0])
        matrix = qr_matrix(text, rng=rng)
        n = len(matrix)
        css_px = rng.randint(max(100, int(n * 2.2 / dpr) + 16), 200)
        qr_html = qr_element(rng, matrix, css_px, element, theme)
        _, secret_text = rand_secret(rng)
        inner = setup_card(rng, theme, qr_html, secret_text)
        pos = rng.choice([("right:30px", "top:30px"), ("left:20px", "bottom:60px"), ("right:40px", "bottom:60px"), ("left:30%", "top:10%")])
        html = desktop_html(rng, theme, inner, rng.randint(760, 1000), rng.randint(620, 760), pos)
        img = screenshot(browser, html, viewport, dpr)
        module_px = css_px * dpr / (n + 8)
        c.add(img, [text], ["desktop", f"theme:{theme}", f"element:{element}", f"dpr:{dpr}"] + kind_tags(kind) + module_tag(module_px), module_px)


def gen_multi(c, browser, count):
    rng = c.rng
    for i in range(count):
        theme = rng.choice(["light", "dark"])
        ncodes = rng.choice([2, 3])
        dpr = rng.choice([1, 1.5, 2])
        if rng.random() < 0.6:
            batch_id = rng.randint(-2**31, 2**31 - 1)
            texts = [migration_uri(rng, rng.choice([3, 5, 8]), ncodes, j, batch_id) for j in range(ncodes)]
            kind = "migration"
        else:
            texts = [otpauth_uri(rng) for _ in range(ncodes - 1)] + [f"https://apps.example.com/authenticator?ref={rng.randint(0, 10**6)}"]
            kind = "otpauth"
        element = rng.choice(["img", "svg", "canvas"])
        cells = []
        module_px = None
        for text in texts:
            matrix = qr_matrix(text, rng=rng)
            css_px = rng.randint(max(150, len(matrix) * 2), 260)
            module_px = min(module_px or 1e9, css_px * dpr / (len(matrix) + 8))
            cells.append(f'<div style="display:inline-block;margin:10px;text-align:center">{qr_element(rng, matrix, css_px, element, theme)}'
                         f'<div>{len(cells) + 1} / {len(texts)}</div></div>')
        body = setup_card(rng, theme, "".join(cells), "Scan every code below", "")
        # The whole page: three stacked codes can run past the viewport, and a code cut in half
        # is not a multi-code case any decoder could pass.
        img = screenshot(browser, page_html(rng, theme, body), (1600, 1000), dpr, full_page=True)
        c.add(img, texts, ["multi", f"multi:{ncodes}", f"theme:{theme}", f"element:{element}", f"payload:{kind}"] + module_tag(module_px), module_px)


def gen_degraded(c, browser, count):
    rng = c.rng
    kinds = ["jpeg", "blur", "noise", "lowcontrast", "rot90", "rotation", "perspective"]
    for i in range(count):
        kind_d = kinds[i % len(kinds)]
        kind, text = payload(rng, rng.choices(["otpauth", "mig1", "mig5"], [60, 20, 20])[0])
        matrix = qr_matrix(text, rng=rng)
        if rng.random() < 0.5:
            module = rng.choice([3, 4, 5, 6])
            base = qr_image(matrix, module).convert("RGB")
            canvas = Image.new("RGB", (base.width + 200, base.height + 160), (250, 250, 250))
            canvas.paste(base, (100, 80))
            ImageDraw.Draw(canvas).text((20, 20), lorem(rng, 6), fill=(40, 40, 40))
            module_px = module
        else:
            theme = rng.choice(["light", "dark"])
            css_px = rng.randint(180, 300)
            dpr = rng.choice([1, 2])
            qr_html = qr_element(rng, matrix, css_px, rng.choice(["img", "svg"]), theme)
            canvas = screenshot(browser, page_html(rng, theme, setup_card(rng, theme, qr_html, "see above")), (1024, 768), dpr)
            module_px = css_px * dpr / (len(matrix) + 8)
        img, quality = degrade(rng, canvas, kind_d)
        if kind_d == "perspective":
            module_px = None
        c.add(img, [text], ["degraded", f"degraded:{kind_d}"] + kind_tags(kind) + module_tag(module_px), module_px,
              fmt="jpeg" if kind_d == "jpeg" else "png", quality=quality)


def gen_logo(c, count):
    """Codes with a logo over the centre (error correction H/Q absorbs it), as some sites show them."""
    rng = c.rng
    for i in range(count):
        text = otpauth_uri(rng)
        matrix = qr_matrix(text, error=rng.choice(["h", "q"]))
        module = rng.choice([4, 5, 6])
        img = qr_image(matrix, module).convert("RGB")
        n = len(matrix)
        side = int(n * module * rng.uniform(0.16, 0.22))
        cx = img.width // 2
        ImageDraw.Draw(img).rounded_rectangle([cx - side // 2, cx - side // 2, cx + side // 2, cx + side // 2], 8,
                                              fill=rng.choice([(230, 60, 60), (40, 120, 220), (255, 255, 255)]))
        c.add(img, [text], ["logo", "payload:otpauth"] + module_tag(module), module)


def gen_negatives(c, browser, count):
    rng = c.rng
    for i in range(count):
        which = i % 6
        if which == 0:  # a page with no code at all
            theme = rng.choice(list(THEMES))
            img = screenshot(browser, page_html(rng, theme, setup_card(rng, theme, "<div style='width:200px;height:200px'></div>", "none")), (1280, 800), rng.choice([1, 2]))
            tag = "neg:page"
        elif which == 1:  # identicon-like symmetric pixel art
            cells = 5
            grid = [[rng.random() < 0.5 for _ in range(3)] for _ in range(cells)]
            arr = np.full((cells, cells), 240, np.uint8)
            for y in range(cells):
                for x in range(3):
                    if grid[y][x]:
                        arr[y, x] = arr[y, cells - 1 - x] = 60
            img = Image.fromarray(arr).resize((400, 400), Image.NEAREST)
            tag = "neg:identicon"
        elif which == 2:  # checkerboards and stripes
            k = rng.choice([4, 8, 16, 24])
            arr = ((np.indices((480, 640)) // k).sum(0) % 2 * 255).astype(np.uint8)
            img = Image.fromarray(arr)
            tag = "neg:pattern"
        elif which == 3:  # random module noise that looks QR-ish
            arr = (np.random.default_rng(rng.getrandbits(32)).random((41, 41)) < 0.5).astype(np.uint8) * 255
            img = Image.fromarray(arr).resize((41 * 5, 41 * 5), Image.NEAREST)
            tag = "neg:noise"
        elif which == 4:  # a QR code blurred beyond reading (CSS blur of a screenshot)
            img = qr_image(qr_matrix(otpauth_uri(rng), rng=rng), 4).filter(ImageFilter.GaussianBlur(rng.uniform(6, 9)))
            tag = "neg:blurred"
        else:  # a QR code cut off by the screen edge: more than half missing
            full = qr_image(qr_matrix(otpauth_uri(rng), rng=rng), 5)
            img = full.crop((0, 0, int(full.width * rng.uniform(0.3, 0.45)), full.height))
            tag = "neg:cut"
        c.add(img, [], ["negative", tag])


# ---------------------------------------------------------------- beyond the plain cases

def styled_svg(rng, matrix, css_px, dark, light):
    """A "designer" code as QR styling libraries draw it: round dots or rounded modules, and
    finder patterns drawn as rounded squares."""
    n = len(matrix)
    quiet = 4
    total = n + 2 * quiet
    style = rng.choice(["dots", "rounded", "rounded-finders"])
    in_finder = lambda x, y: (x < 7 and y < 7) or (x >= n - 7 and y < 7) or (x < 7 and y >= n - 7)
    parts = []
    for y, row in enumerate(matrix):
        for x, v in enumerate(row):
            if not v or (style != "rounded" and in_finder(x, y)):
                continue
            X, Y = x + quiet, y + quiet
            if style == "dots":
                parts.append(f'<circle cx="{X + .5}" cy="{Y + .5}" r="{rng.choice([0.42, 0.45, 0.5])}"/>')
            else:
                parts.append(f'<rect x="{X + .04}" y="{Y + .04}" width=".92" height=".92" rx=".3"/>')
    if style != "rounded":
        r = rng.choice([1.0, 1.6, 2.2])
        for fx, fy in [(0, 0), (n - 7, 0), (0, n - 7)]:
            X, Y = fx + quiet, fy + quiet
            parts.append(f'<path fill-rule="evenodd" d="M{X + r},{Y} h{7 - 2 * r} a{r},{r} 0 0 1 {r},{r} v{7 - 2 * r} a{r},{r} 0 0 1 -{r},{r} '
                         f'h-{7 - 2 * r} a{r},{r} 0 0 1 -{r},-{r} v-{7 - 2 * r} a{r},{r} 0 0 1 {r},-{r} z '
                         f'M{X + 1 + r / 2},{Y + 1} h{5 - r} a{r / 2},{r / 2} 0 0 1 {r / 2},{r / 2} v{5 - r} a{r / 2},{r / 2} 0 0 1 -{r / 2},{r / 2} '
                         f'h-{5 - r} a{r / 2},{r / 2} 0 0 1 -{r / 2},-{r / 2} v-{5 - r} a{r / 2},{r / 2} 0 0 1 {r / 2},-{r / 2} z"/>')
            parts.append(f'<rect x="{X + 2}" y="{Y + 2}" width="3" height="3" rx="{r / 2.5}"/>')
    return style, (f'<svg viewBox="0 0 {total} {total}" width="{css_px}" height="{css_px}">'
                   f'<rect width="{total}" height="{total}" fill="{light}"/><g fill="{dark}">{"".join(parts)}</g></svg>')


def gen_styled(c, browser, count):
    rng = c.rng
    for i in range(count):
        theme = rng.choice(["light", "dark"])
        kind, text = payload(rng, rng.choices(["otpauth", "mig1", "mig5"], [60, 25, 15])[0])
        matrix = qr_matrix(text, error=rng.choice(["m", "q", "h"]))
        n = len(matrix)
        dark = rng.choice(["#000000", "#1a237e", "#0b5d3b", "#4a148c", "#222831"])
        dpr = rng.choice([1, 1.5, 2])
        css_px = rng.randint(max(160, int(n * 3.2 / dpr)), 320)
        style, qr_html = styled_svg(rng, matrix, css_px, dark, "#ffffff")
        _, secret_text = rand_secret(rng)
        html = page_html(rng, theme, setup_card(rng, theme, qr_html, secret_text))
        img = screenshot(browser, html, (1280, 800), dpr)
        module_px = css_px * dpr / (n + 8)
        c.add(img, [text], ["styled", f"styled:{style}", f"theme:{theme}", f"dpr:{dpr}"] + kind_tags(kind) + module_tag(module_px), module_px)


def page_shot(c, browser, kind_weights=(60, 25, 15), dpr=None, theme=None, element=None):
    """One setup page with a code, as in gen_pages; returns the image, payload, kind and module size."""
    rng = c.rng
    theme = theme or rng.choices(list(THEMES), [45, 35, 20])[0]
    element = element or rng.choice(["img", "canvas", "svg"])
    dpr = dpr or rng.choice([1, 1.5, 2])
    kind, text = payload(rng, rng.choices(["otpauth", "mig1", "mig5"], kind_weights)[0])
    matrix = qr_matrix(text, rng=rng)
    n = len(matrix)
    css_px = rng.randint(max(150, n * 2), 300)
    qr_html = qr_element(rng, matrix, css_px, element, theme)
    _, secret_text = rand_secret(rng)
    html = page_html(rng, theme, setup_card(rng, theme, qr_html, secret_text))
    img = screenshot(browser, html, rng.choice([(1280, 800), (1440, 900)]), dpr)
    return img, text, kind, css_px * dpr / (n + 8), theme


def gen_scaled(c, browser, count):
    """Screenshots scaled down before they reach Ninsho: an OS scaling a HiDPI capture to
    "actual size", a chat app shrinking an image."""
    rng = c.rng
    for i in range(count):
        img, text, kind, module_px, theme = page_shot(c, browser, dpr=rng.choice([1.5, 2]))
        f = rng.uniform(0.5, 0.8)
        img = img.resize((round(img.width * f), round(img.height * f)), rng.choice([Image.BILINEAR, Image.LANCZOS, Image.BOX]))
        c.add(img, [text], ["scaled", f"theme:{theme}"] + kind_tags(kind) + module_tag(module_px * f), module_px * f)


def gen_photo(c, browser, count):
    """A phone photo of a screen: perspective, defocus, sensor noise, uneven light, JPEG."""
    rng = c.rng
    for i in range(count):
        img, text, kind, module_px, theme = page_shot(c, browser, dpr=rng.choice([1, 2]), theme=rng.choice(["light", "dark"]))
        img, _ = degrade(rng, img, "perspective")
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.2)))
        arr = np.asarray(img, float)
        h, w = arr.shape[:2]
        ramp = np.linspace(rng.uniform(0.55, 0.8), rng.uniform(0.95, 1.1), w)[None, :, None]
        if rng.random() < 0.5:
            ramp = np.linspace(rng.uniform(0.55, 0.8), rng.uniform(0.95, 1.1), h)[:, None, None]
        arr = arr * ramp + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(4, 10), arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        c.add(img, [text], ["photo", f"theme:{theme}"] + kind_tags(kind), None, fmt="jpeg", quality=rng.randint(60, 85))


def gen_tight(c, count):
    """A code cropped tight by a screenshot tool: no quiet zone, or one module of it."""
    rng = c.rng
    for i in range(count):
        kind, text = payload(rng, rng.choices(["otpauth", "mig1", "mig5"], [60, 25, 15])[0])
        matrix = qr_matrix(text, rng=rng)
        module = rng.choice([2, 3, 4, 5])
        quiet = rng.choice([0, 1])
        img = qr_image(matrix, module, quiet=quiet).convert("RGB")
        if rng.random() < 0.5:
            img = Image.eval(img, lambda v: 255 - v)
        c.add(img, [text], ["tight", f"tight:quiet{quiet}"] + kind_tags(kind) + module_tag(module), module)


def gen_huge(c, count):
    """A small code blown up to fill the screen: modules of 20 to 40 pixels."""
    rng = c.rng
    for i in range(count):
        text = otpauth_uri(rng)
        matrix = qr_matrix(text, error="l")
        n = len(matrix)
        module = rng.randint(20, 40)
        code = qr_image(matrix, module, quiet=2).convert("RGB")
        page = Image.new("RGB", (max(1920, code.width + 100), max(1080, code.height + 60)), (245, 245, 245))
        page.paste(code, ((page.width - code.width) // 2, (page.height - code.height) // 2))
        c.add(page, [text], ["huge", "payload:otpauth"] + module_tag(module), module)


def gen_hard_negatives(c, browser, count):
    """Things that look like codes and are not: three finder patterns around random modules,
    a code with most of its modules scrambled, a page of icon-like squares."""
    rng = c.rng
    for i in range(count):
        which = i % 3
        if which == 0:
            n = rng.choice([25, 29, 33, 41])
            matrix = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
            for fx, fy in [(0, 0), (n - 7, 0), (0, n - 7)]:
                for y in range(-1, 8):
                    for x in range(-1, 8):
                        if 0 <= fy + y < n and 0 <= fx + x < n:
                            ring = max(abs(x - 3), abs(y - 3))
                            matrix[fy + y][fx + x] = ring != 2 and ring <= 3
            img = qr_image(matrix, rng.choice([3, 4, 6]))
            tag = "neg:fake"
        elif which == 1:
            matrix = qr_matrix(otpauth_uri(rng), error="l")
            n = len(matrix)
            for y in range(n):
                for x in range(n):
                    if not ((x < 9 and y < 9) or (x >= n - 8 and y < 9) or (x < 9 and y >= n - 8)) and rng.random() < 0.4:
                        matrix[y][x] = not matrix[y][x]
            img = qr_image(matrix, rng.choice([3, 4, 6]))
            tag = "neg:scrambled"
        else:
            theme = rng.choice(["light", "dark"])
            icons = "".join(f'<div style="display:inline-block;width:{s}px;height:{s}px;border:{s // 7}px solid {THEMES[theme]["fg"]};'
                            f'margin:14px;padding:{s // 7}px;box-sizing:border-box"><div style="width:100%;height:100%;background:{THEMES[theme]["fg"]}"></div></div>'
                            for s in [rng.choice([21, 28, 35, 42]) for _ in range(24)])
            img = screenshot(browser, page_html(rng, theme, setup_card(rng, theme, icons, "none")), (1280, 800), rng.choice([1, 2]))
            tag = "neg:squares"
        c.add(img, [], ["negative", tag])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every family's count (0.1 for a smoke run)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    rng = random.Random(args.seed)
    c = Corpus(args.out, rng)
    n = lambda k: max(1, round(k * args.scale))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        gen_clean(c, n(60))
        gen_pages(c, browser, n(160))
        gen_desktop(c, browser, n(40))
        gen_multi(c, browser, n(30))
        gen_degraded(c, browser, n(84))
        gen_logo(c, n(12))
        gen_negatives(c, browser, n(36))
        # Added later, after every earlier family so that those images stay as they were.
        gen_styled(c, browser, n(18))
        gen_scaled(c, browser, n(18))
        gen_photo(c, browser, n(18))
        gen_tight(c, n(12))
        gen_huge(c, n(6))
        gen_hard_negatives(c, browser, n(12))
        browser.close()
    (args.out / "manifest.json").write_text(json.dumps(c.entries, indent=1, ensure_ascii=False))
    pos = sum(1 for e in c.entries if e["expected"])
    print(f"{len(c.entries)} images ({pos} with codes, {len(c.entries) - pos} negatives) in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

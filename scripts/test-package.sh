#!/bin/sh
# Installs a .deb the Tauri bundler built, as a person would (`apt install ./ninsho_*.deb`),
# starts /usr/bin/ninsho under Xvfb with a throwaway keyring and waits for its window, runs
# /usr/bin/ninsho-cli, then removes the package and checks that nothing of it is left.
# Needs root (it installs a package); run through `make test-package`. The argument is the
# folder that holds the .deb (default: make package's, target/release/bundle/deb).
set -eu
cd "$(dirname "$0")/.."
dir=${1:-target/release/bundle/deb}
deb=$(ls "$dir"/*.deb | head -n 1)
echo "== package: $deb ($(du -k "$deb" | cut -f1) KiB)"
if [ "$(id -u)" != 0 ]; then echo "test-package.sh: run as root (it installs $deb)"; exit 2; fi
if dpkg -s ninsho >/dev/null 2>&1; then echo "test-package.sh: ninsho is installed already; remove it first"; exit 2; fi
apt-get install -y "./$deb" >/tmp/ninsho-package-install.log 2>&1 || { cat /tmp/ninsho-package-install.log; exit 1; }
files=$(mktemp)
dpkg -L ninsho > "$files"
echo "== installed: $(wc -l < "$files") paths"
for want in /usr/bin/ninsho /usr/bin/ninsho-cli /usr/bin/ninsho-host /usr/share/applications/Ninsho.desktop \
    /usr/share/metainfo/app.ninsho.desktop.metainfo.xml \
    /usr/share/polkit-1/actions/io.ninsho.Ninsho.policy \
    /etc/chromium/native-messaging-hosts/io.ninsho.host.json \
    /usr/lib/mozilla/native-messaging-hosts/io.ninsho.host.json \
    /usr/share/ninsho/extension/chromium/manifest.json /usr/share/ninsho/extension/chromium/background.js \
    /usr/share/ninsho/extension/firefox/manifest.json /usr/share/ninsho/extension/ninsho-chromium.zip \
    /usr/share/ninsho/extension/ninsho-firefox.xpi; do
  grep -qx "$want" "$files" || { echo "missing from the package: $want"; exit 1; }
done
grep -q '^Categories=Utility;Security;$' /usr/share/applications/Ninsho.desktop
# The browsers find the host, and it starts and answers (no app: it says it was started).
grep -q '"path": "/usr/bin/ninsho-host"' /etc/chromium/native-messaging-hosts/io.ninsho.host.json
# The shipped extension is the one the host allows: its pinned key and gecko id.
grep -q '"key"' /usr/share/ninsho/extension/chromium/manifest.json
grep -q '"fill@ninsho.app"' /usr/share/ninsho/extension/firefox/manifest.json
rc=0; /usr/bin/ninsho-host </dev/null >/dev/null || rc=$?
[ "$rc" -eq 2 ] || { echo "ninsho-host without a browser origin must refuse (exit 2), got $rc"; exit 1; }
ls /usr/share/icons/hicolor/*/apps/ninsho.png
appstreamcli validate --no-net /usr/share/metainfo/app.ninsho.desktop.metainfo.xml
# System sign-in's polkit action is well-formed XML with the id core asks polkit about.
python3 -c 'import sys, xml.etree.ElementTree as E; ids = [a.get("id") for a in E.parse(sys.argv[1]).getroot().iter("action")]; assert ids == ["io.ninsho.Ninsho.unlock"], ids' \
  /usr/share/polkit-1/actions/io.ninsho.Ninsho.policy
echo "== ninsho-cli"
/usr/bin/ninsho-cli --version
code=$(/usr/bin/ninsho-cli code 'otpauth://totp/RFC6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8' --at 59)
[ "$code" = "94287082" ] || { echo "RFC 6238's code at T=59 is 94287082, the installed CLI says $code"; exit 1; }
echo "code at T=59: $code (RFC 6238)"
echo "== the app's window"
data=$(mktemp -d)
NINSHO_DATA_DIR=$data env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
    /usr/bin/ninsho & app=$!
    i=0
    until xdotool search --onlyvisible --name "^Ninsho$" >/dev/null 2>&1; do
      i=$((i + 1))
      if [ $i -gt 150 ] || ! kill -0 $app 2>/dev/null; then echo "no Ninsho window in 30 s"; kill $app 2>/dev/null; exit 1; fi
      sleep 0.2
    done
    echo "window shown after $((i * 200)) ms"
    # Drawn as it ships (WebKit on the CPU): the window holds the page, not a blank surface.
    sleep 3
    shot=$(mktemp --suffix=.png)
    import -window "$(xdotool search --onlyvisible --name "^Ninsho$" | head -n 1)" "$shot"
    colours=$(identify -format "%k" "$shot")
    rm -f "$shot"
    kill $app; wait $app 2>/dev/null || true
    if [ "$colours" -lt 16 ]; then echo "the window shows $colours colours: the page was not drawn"; exit 1; fi
    echo "the window shows the page ($colours colours)"'
rm -rf "$data"
echo "== remove"
apt-get remove -y --purge ninsho >/tmp/ninsho-package-remove.log 2>&1 || { cat /tmp/ninsho-package-remove.log; exit 1; }
left=0
while read -r path; do
  case "$path" in /usr/*) ;; *) continue ;; esac
  if [ -e "$path" ] && [ ! -d "$path" ]; then echo "left behind: $path"; left=1; fi
done < "$files"
rm -f "$files"
[ $left = 0 ]
echo "== nothing of the package is left in /usr"

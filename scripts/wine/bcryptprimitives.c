/* ProcessPrng for Debian 12's wine 8.0, which lacks bcryptprimitives.dll. Rust's standard
 * library (1.78 and later) takes its random bytes from it on Windows; Windows 10 and 11 have it.
 * Used only to run ninsho-cli.exe under wine in scripts/test-cross.sh; never shipped. It asks
 * advapi32's RtlGenRandom (SystemFunction036), which wine has, for the same bytes. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}

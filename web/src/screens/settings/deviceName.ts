/** A device as a person would name it, from the browser's user agent: "Firefox on Windows". */
export function deviceName(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").trim();
  if (!ua) return "Unknown device";
  const browser = browserOf(ua);
  const os = systemOf(ua);
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `A browser on ${os}`;
  const tool = /^([A-Za-z][\w.-]*)\//.exec(ua)?.[1];
  return tool ? `A program (${tool})` : "Unknown device";
}

function browserOf(ua: string): string | null {
  // Order matters: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return "Edge";
  if (/\bOPR\/|\bOpera\b/.test(ua)) return "Opera";
  if (/\bSamsungBrowser\//.test(ua)) return "Samsung Internet";
  if (/\bFirefox\/|\bFxiOS\//.test(ua)) return "Firefox";
  if (/\bCriOS\/|\b(Headless)?Chrome\/|\bChromium\//.test(ua)) return "Chrome";
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(ua) || /\b(iPhone|iPad)\b.*AppleWebKit/.test(ua)) return "Safari";
  return null;
}

function systemOf(ua: string): string | null {
  if (/\biPhone\b/.test(ua)) return "iPhone";
  if (/\biPad\b/.test(ua)) return "iPad";
  if (/\bAndroid\b/.test(ua)) return /\bMobile\b/.test(ua) ? "an Android phone" : "an Android tablet";
  if (/\bWindows\b/.test(ua)) return "Windows";
  if (/\bCrOS\b/.test(ua)) return "a Chromebook";
  if (/\bMacintosh\b|\bMac OS X\b/.test(ua)) return "a Mac";
  if (/\bLinux\b|\bX11\b/.test(ua)) return "Linux";
  return null;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function timeAgo(value: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(value) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return "just now";
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["minute", 60],
    ["hour", 3600],
    ["day", 86_400],
    ["week", 604_800],
    ["month", 2_629_800],
    ["year", 31_557_600],
  ];
  let chosen: [Intl.RelativeTimeFormatUnit, number] = units[0]!;
  for (const unit of units) if (abs >= unit[1]) chosen = unit;
  return relative.format(Math.trunc(seconds / chosen[1]), chosen[0]);
}

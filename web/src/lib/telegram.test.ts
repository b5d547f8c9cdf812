import { describe, expect, it } from "vitest";
import { fromTelegramClient, isDarkColor, linkAction, parseInitData, parseLaunchParams, splitHashRoute, themeVariable } from "./telegram";

const initData =
  "user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Ann%22%2C%22language_code%22%3A%22ru%22%7D&auth_date=1700000000&start_param=event_abc&hash=deadbeef";

describe("initData", () => {
  it("reads the user, start param, date and hash", () => {
    const p = parseInitData(initData);
    expect(p.user).toEqual({ id: 42, first_name: "Ann", language_code: "ru" });
    expect(p.startParam).toBe("event_abc");
    expect(p.authDate).toBe(1700000000);
    expect(p.hash).toBe("deadbeef");
  });
  it("tolerates a broken user field", () => {
    expect(parseInitData("user=%7Bnot-json&hash=1").user).toBeNull();
    expect(parseInitData("user=%7B%22id%22%3A%22x%22%7D").user).toBeNull();
    expect(parseInitData("auth_date=soon").authDate).toBeNull();
  });
});

describe("launch params", () => {
  it("takes initData and the theme from the hash", () => {
    const hash = `#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent('{"bg_color":"#000000"}')}`;
    const p = parseLaunchParams(hash);
    expect(p.initData).toBe(initData);
    expect(p.user?.id).toBe(42);
    expect(p.startParam).toBe("event_abc");
    expect(p.platform).toBe("android");
    expect(p.theme).toEqual({ bg_color: "#000000" });
  });
  it("has no initData without a hash field", () => {
    expect(parseLaunchParams("").initData).toBeNull();
    expect(parseLaunchParams("#tgWebAppData=user%3D1").initData).toBeNull();
  });
});

describe("theme", () => {
  it("tells dark backgrounds from light ones", () => {
    expect(isDarkColor("#17212b")).toBe(true);
    expect(isDarkColor("#000")).toBe(true);
    expect(isDarkColor("#ffffff")).toBe(false);
    expect(isDarkColor("#ff0")).toBe(false);
    expect(isDarkColor("red")).toBeNull();
  });
});

describe("hash routes", () => {
  it("takes the page the bot's buttons name and the launch parameters after it", () => {
    expect(splitHashRoute("#/tickets")).toEqual({ route: "/tickets", params: "" });
    expect(splitHashRoute("#/events/ab-12?tgWebAppData=x%3D1&tgWebAppPlatform=ios")).toEqual({
      route: "/events/ab-12",
      params: "tgWebAppData=x%3D1&tgWebAppPlatform=ios",
    });
    expect(splitHashRoute("#/tickets&tgWebAppPlatform=ios")).toEqual({ route: "/tickets", params: "tgWebAppPlatform=ios" });
    expect(splitHashRoute("#tgWebAppPlatform=ios")).toEqual({ route: null, params: "tgWebAppPlatform=ios" });
    expect(splitHashRoute("#/../../admin")).toEqual({ route: null, params: "" });
    expect(parseLaunchParams("#/tickets?tgWebAppPlatform=ios").platform).toBe("ios");
  });
});

describe("Telegram client or browser", () => {
  it("starts the SDK only with init data, a platform and a version", () => {
    const full = parseLaunchParams(`#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppPlatform=android&tgWebAppVersion=8.0`);
    expect(fromTelegramClient(full)).toBe(true);
    expect(fromTelegramClient(parseLaunchParams(`#tgWebAppData=${encodeURIComponent(initData)}`))).toBe(false);
    expect(fromTelegramClient(parseLaunchParams(`#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppPlatform=ios`))).toBe(false);
  });
  it("maps Telegram's theme keys to the page's variables", () => {
    expect(themeVariable("bg_color")).toBe("--bg");
    expect(themeVariable("button_color")).toBe("--accent");
    expect(themeVariable("section_separator_color")).toBe("--tg-section-separator-color");
  });
});

describe("links that leave the app", () => {
  it("stay plain links in a browser", () => {
    expect(linkAction("ton://transfer/EQx?amount=1", false, false, "https://h/app")).toBeNull();
  });
  it("go through Telegram inside it: ton:// opened, files downloaded by absolute URL", () => {
    expect(linkAction("ton://transfer/EQx?amount=1", false, true, "https://h/app")).toEqual({ kind: "open", url: "ton://transfer/EQx?amount=1" });
    expect(linkAction("/api/v1/events/e1/calendar.ics", true, true, "https://h/app/tickets")).toEqual({
      kind: "download",
      url: "https://h/api/v1/events/e1/calendar.ics",
    });
  });
});

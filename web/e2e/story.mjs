// The whole story in Debian's chromium (headless, driven by playwright-core) against a real `onton serve` with the
// TON emulator. An organizer (no admin) signs in to the panel, creates a paid event in another time zone than the
// browser's (category from the shared list), adds an NFT ticket type with every field, edits it (one per guest),
// adds a hidden type (its direct link shown) and deletes a spare one, publishes, and edits the event. Twenty more
// events come through the API so the Mini App's list has a second page. A participant opens the Mini App on a
// phone with a TON wallet in it (e2e/test-wallet.mjs: an injected TON Connect bridge whose key is an emulator
// wallet's), pages through the list, searches and filters by category, buys, pays through the TON Connect button
// (the wallet signs and sends the transfer with the amount and comment the app prefilled), sees the order turn paid
// and the ticket's QR code, downloads its .ics, gets the hidden type through its link and transfers that ticket,
// links the wallet with a ton_proof the server verifies, and sees the NFT ticket minted to it (checked on chain with
// get_nft_data). Inside Telegram (a stubbed client, the SDK's bridge) the Mini App speaks Russian, follows the dark
// and then the light theme and the safe area, leaves zoom allowed, asks the client to download the .ics, buys with
// Telegram's main button, has the client open the wallet's ton:// link, pays through TON Connect from a second
// wallet, goes back with Telegram's back button and gets an error haptic for an order over the per-user limit; then
// buys a ticket the organizer priced in Telegram Stars and pays Telegram's invoice (the test plays Telegram against a
// fake Bot API, e2e/fake-bot-api.mjs: the pre-checkout query, the successful payment twice), and the organizer's
// refund goes back through refundStarPayment. A
// check-in staff member, added by @username, sees the event marked as theirs and only its desk, scans the ticket
// with the camera (a fake video of the QR) and the guest is admitted, undoes it, admits by hand, then the same code
// says already used and by whom, and a made-up code is invalid; the organizer removes the staff member. The
// organizer filters the guests (search, status, ticket type) and exports them, refunds the Telegram buyer's order
// (sent from the platform wallet) and reads the analytics. An online workshop that needs approval: a guest applies,
// is rejected with a reason, applies again and is approved, uses a promo code, takes the free seat and checks in
// with the phrase the organizer sets; a late guest joins the waiting list and is offered the seat a larger supply
// frees. Finally the organizer cancels the first event, told first that the paid order will be refunded, and clones
// it. A screenshot of each page is kept.
//
// Environment: ONTON_BIN (the onton binary), ONTON_TEST_TON_URL and ONTON_TEST_TON_CONTROL (the ton_emulator
// fixture), ONTON_E2E_ARTIFACTS (where screenshots go), CHROMIUM (default /usr/bin/chromium), ONTON_WEB_DIR
// (default web/dist beside this script).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import { startFakeBotApi } from "./fake-bot-api.mjs";
import { writeQrVideo } from "./fake-camera.mjs";
import { createTestWallet, injectTestWallet, nftOwner, walletsList } from "./test-wallet.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.ONTON_BIN;
const tonUrl = process.env.ONTON_TEST_TON_URL;
const control = process.env.ONTON_TEST_TON_CONTROL;
const artifacts = resolve(process.env.ONTON_E2E_ARTIFACTS ?? join(here, "..", "e2e-artifacts"));
const webDir = resolve(process.env.ONTON_WEB_DIR ?? join(here, "..", "dist"));
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}
if (!bin || !existsSync(bin)) fail("set ONTON_BIN to the onton binary");
if (!tonUrl || !control) fail("set ONTON_TEST_TON_URL and ONTON_TEST_TON_CONTROL (run under ctest: fixture ton_emulator)");
if (!existsSync(join(webDir, "app", "index.html"))) fail(`no web build in ${webDir}: run npm run build`);
if (!existsSync(browserPath)) fail(`no chromium at ${browserPath}: apt-get install chromium (scripts/deps.sh test)`);
mkdirSync(artifacts, { recursive: true });

const work = mkdtempSync(join(tmpdir(), "onton-e2e-"));
let server = null;
let browser = null;
let walletsServer = null;
let botApi = null;
let step = "setup";
const shots = [];
// An Ed25519 test key (seed 32 × 0x42) standing for Telegram's: `onton admin init-data --signature-seed` signs with
// it and the server verifies with its public key.
const telegramTestSeed = "42".repeat(32);
const telegramTestPublicKey = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";

async function emulator(route, body) {
  const res = await fetch(`${control}${route}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`emulator ${route}: HTTP ${res.status} ${await res.text()}`);
  const answer = await res.json();
  if (answer.ok === false) throw new Error(`emulator ${route}: ${answer.error}`);
  return answer.result ?? answer;
}

/** A loopback port nobody listens on now: the server's public URL (image links, og:url) must name its port. */
function freePort() {
  return new Promise((done, failed) => {
    const probe = createServer();
    probe.once("error", failed);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

async function startServer(env) {
  const portFile = join(work, "port");
  server = spawn(bin, ["serve", "--port-file", portFile], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  server.log = () => log;
  for (let i = 0; i < 600; i++) {
    if (existsSync(portFile)) return Number(readFileSync(portFile, "utf8").trim());
    if (server.exitCode !== null) throw new Error(`onton serve exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("onton serve did not start");
}

function onton(args, env) {
  return execFileSync(bin, args, { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
}

/** Every form control the page shows has a name a screen reader reads (a <label>, aria-label or aria-labelledby). */
async function assertLabelled(page, where) {
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => el.type !== "hidden" && el.getClientRects().length > 0 && !el.closest("#tc-widget-root"))
      .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  if (unnamed.length) throw new Error(`${where}: controls without a label: ${unnamed.join(" | ")}`);
}

async function shot(page, name) {
  await assertLabelled(page, name);
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
  console.log(`e2e: ${name} → ${path}`);
}

/** Serves the TON Connect wallets list the apps load (ONTON_TONCONNECT_WALLETS_URL) on a loopback port. */
async function serveWalletsList(list) {
  walletsServer = createHttpServer((req, res) => {
    res.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
    res.end(JSON.stringify(list));
  });
  await new Promise((done) => walletsServer.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${walletsServer.address().port}/wallets-v2.json`;
}

/**
 * Waits until `check()` is true, trying once a second; with `reload`, the page is reloaded between tries (for state
 * the server changes in the background that the page does not follow by itself).
 */
async function eventually(page, check, what, tries = 60, reload = false) {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await page.waitForTimeout(1000);
    if (reload) await page.reload();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Signs a user in over the API with Login Widget data (for the filler events the discovery pages need). */
async function apiSession(base, widget) {
  const res = await fetch(`${base}/api/v1/auth/telegram-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: widget });
  if (!res.ok) throw new Error(`sign-in: HTTP ${res.status} ${await res.text()}`);
  const token = (await res.json()).token;
  return async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
}

/** What the stubbed Telegram client records the SDK sending: `type` events, newest last. */
function posted(page, type) {
  return page.evaluate((t) => window.__posted.filter((e) => e.type === t).map((e) => e.data), type);
}

/** Signs a Mini App page in with initData in the launch hash, as a browser does for development. */
async function openMiniApp(page, base, initData) {
  await page.goto(`${base}/app#tgWebAppData=${encodeURIComponent(initData)}`);
  await page.getByRole("heading", { name: "Events" }).waitFor();
}

async function main() {
  const started = Date.now();
  // The platform wallet signs NFT deploys and mints, so the server gets its mnemonic (and checks the address).
  const platform = await emulator("/wallets", { version: "v5r1", balance_nano: "5000000000" });
  const mnemonic = Array.isArray(platform.mnemonic) ? platform.mnemonic.join(" ") : String(platform.mnemonic);
  const chosenPort = await freePort();
  // The participants' wallets: real v4r2 wallets on the emulator, reached through TON Connect's JS bridge (one in
  // the phone's browser, one in the stubbed Telegram client).
  const tonApi = tonUrl;
  const wallet = await createTestWallet({ control, tonApi });
  const tgWallet = await createTestWallet({ control, tonApi });
  const walletsUrl = await serveWalletsList(walletsList(`http://127.0.0.1:${chosenPort}/icon.png`));
  // The bot: a fake api.telegram.org (e2e/fake-bot-api.mjs) that makes Stars invoices and records every call, and
  // the webhook's secret with which this test plays Telegram's side of a Stars payment.
  const botToken = "700700:e2e-bot-token";
  const webhookSecret = "e2e_webhook-secret";
  botApi = await startFakeBotApi(botToken);
  const env = {
    ONTON_DATABASE_URL: `sqlite://${join(work, "onton.db")}`,
    ONTON_HTTP_HOST: "127.0.0.1",
    ONTON_HTTP_PORT: String(chosenPort),
    ONTON_PUBLIC_URL: `http://127.0.0.1:${chosenPort}`,
    ONTON_MEDIA_DIR: join(work, "media"),
    ONTON_WEB_DIR: webDir,
    ONTON_TON_API_URL: tonUrl,
    ONTON_PLATFORM_WALLET_ADDRESS: platform.address,
    ONTON_PLATFORM_WALLET_MNEMONIC: mnemonic,
    ONTON_PLATFORM_WALLET_VERSION: "v5r1",
    ONTON_TONCONNECT_WALLETS_URL: walletsUrl,
    ONTON_BOT_TOKEN: botToken,
    ONTON_BOT_API_URL: botApi.url,
    ONTON_TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    // Telegram clients sign init data (the SDK requires the field); the stubbed client's is by this test key.
    ONTON_TELEGRAM_PUBLIC_KEY: telegramTestPublicKey,
    // Waiting lists are offered freed seats by the expiry sweep: every second here, not every five.
    ONTON_ORDER_EXPIRY_SWEEP_SECONDS: "1",
    ONTON_AUTH_SESSION_CACHE_SECONDS: "0",
    ONTON_LOG_LEVEL: "info",
  };
  // The database exists before the server starts; the admin commands sign with the bot token above.
  onton(["migrate"], env);
  const port = await startServer(env);
  const base = `http://127.0.0.1:${port}`;

  const camera = join(work, "qr.y4m");
  // Camera input is fixed when the browser starts; the ticket code is known only later, so the scanner's browser
  // is launched after the purchase.
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });

  // Organizer: panel sign-in with a Login Widget object, an event with a paid NFT ticket type and a hidden one,
  // published. The organizer is no admin: everything below (refunds too) is an organizer's own right.
  step = "organizer";
  const organizerWidget = onton(["admin", "login-widget", "--user-id", "9001", "--username", "organizer"], env);
  // The panel is in the browser's zone by default; this organizer's browser is in Berlin, the event in Dubai.
  const organizer = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "Europe/Berlin", acceptDownloads: true });
  const panel = await organizer.newPage();
  await panel.goto(`${base}/panel`);
  await shot(panel, "01-panel-sign-in");
  await panel.getByLabel("Login Widget data").fill(organizerWidget);
  await panel.getByRole("button", { name: "Sign in" }).click();
  await panel.getByRole("heading", { name: "Your events" }).waitFor();
  const organizerApi = await apiSession(base, organizerWidget);
  await shot(panel, "01b-panel-events");
  await panel.getByRole("link", { name: "New event" }).click();
  if ((await panel.getByLabel("Time zone").inputValue()) !== "Europe/Berlin") throw new Error("the time zone does not default to the browser's");
  // An empty title: the API's field error appears next to the field.
  await panel.getByRole("button", { name: "Create draft" }).click();
  await panel
    .locator(".field", { has: panel.getByLabel("Title", { exact: true }) })
    .getByRole("alert")
    .waitFor();
  await shot(panel, "02-panel-field-error");
  await panel.getByLabel("Title", { exact: true }).fill("TON Night e2e");
  await panel.getByLabel("Description").fill("Talks, demos and a party. Tickets are NFTs.");
  await panel.getByLabel("Location").fill("Dubai, Marina Hall");
  await panel.getByLabel("Category").selectOption("meetup");
  await panel.getByLabel("Time zone").selectOption("Asia/Dubai");
  await panel.getByLabel("Starts").fill("2030-03-01T19:00");
  await panel.getByLabel("Ends").fill("2030-03-01T23:00");
  await panel.getByRole("button", { name: "Create draft" }).click();
  await panel.waitForURL(/\/panel\/events\/[0-9a-f-]+$/);
  const eventUuid = panel.url().split("/").pop();
  const stored = await organizerApi("GET", `/api/v1/events/${eventUuid}`);
  // 19:00 in Dubai (UTC+4) is 15:00 UTC, whatever the organizer's browser zone.
  if (stored.timezone !== "Asia/Dubai" || stored.start_date !== Date.UTC(2030, 2, 1, 15) / 1000 || stored.category !== "meetup")
    throw new Error(`stored ${stored.timezone} ${stored.start_date} ${stored.category}`);
  // Every field of a ticket type.
  await panel.getByLabel("Ticket name").fill("VIP");
  await panel.getByLabel("Ticket description").fill("Front rows and the party");
  await panel.getByLabel("Currency").selectOption("TON");
  await panel.getByLabel("Price (TON)").fill("1.5");
  await panel.getByLabel("Supply").fill("10");
  await panel.getByLabel("Per-user limit").fill("2");
  await panel.getByLabel("Sales close").fill("2030-03-01T18:00");
  await panel.getByLabel("NFT ticket").check();
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.getByRole("cell", { name: "1.5 TON" }).waitFor();
  // Editing: one VIP ticket per guest.
  await panel.getByRole("button", { name: "Edit VIP" }).click();
  if ((await panel.getByLabel("Sales close").inputValue()) !== "2030-03-01T18:00") throw new Error("the sale window is not on the event's clock");
  await panel.getByLabel("Per-user limit").fill("1");
  await panel.getByRole("button", { name: "Save ticket type" }).click();
  await panel.locator('tr[data-ticket-type="VIP"]').getByRole("cell", { name: "1", exact: true }).first().waitFor();
  // A hidden type, sold only through its link; a spare one deleted again.
  await panel.getByLabel("Ticket name").fill("Friends");
  await panel.getByLabel("Price (TON)").fill("0");
  await panel.getByLabel("Who sees it").selectOption("hidden");
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  const hiddenLink = (await panel.getByTestId("hidden-link").textContent()).trim();
  if (!hiddenLink.startsWith(`${base}/app/events/${eventUuid}?code=`)) throw new Error(`hidden link ${hiddenLink}`);
  await panel.getByLabel("Ticket name").fill("Spare");
  await panel.getByLabel("Price (TON)").fill("0");
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.getByRole("button", { name: "Delete Spare" }).click();
  await panel.locator('tr[data-ticket-type="Spare"]').waitFor({ state: "detached" });
  await panel.getByLabel("Event image (PNG, JPEG or WebP)").setInputFiles(join(here, "..", "public", "icon.png"));
  await panel.locator("img.event-image").waitFor();
  await panel.getByRole("button", { name: "Publish" }).click();
  await panel.getByTestId("event-status").filter({ hasText: "published" }).waitFor();
  await shot(panel, "03-panel-event-published");
  // Editing the event: a subtitle, saved and read back.
  await panel.getByLabel("Subtitle").fill("Season finale");
  await panel.getByRole("button", { name: "Save changes" }).click();
  await panel.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  await panel.reload();
  if ((await panel.getByLabel("Subtitle").inputValue()) !== "Season finale") throw new Error("the edited subtitle was not kept");

  // More events, through the API, so that the Mini App's list has a second page (next_cursor) and other categories.
  for (let i = 0; i < 20; i++) {
    const start = Math.floor(Date.now() / 1000) + 60 * 86400 + i * 3600;
    const e = await organizerApi("POST", "/api/v1/events", {
      title: `Match day ${i + 1}`,
      description: "Filler for the listing's second page",
      start_date: start,
      end_date: start + 3600,
      participation_type: "in_person",
      location: "Stadium",
      category: "sport",
    });
    await organizerApi("POST", `/api/v1/events/${e.event_uuid}/ticket-types`, { name: "Entry", price: "0" });
    await organizerApi("POST", `/api/v1/events/${e.event_uuid}/publish`);
  }

  // Public site: the landing lists the event; its page carries Open Graph tags from the server.
  step = "public site";
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const site = await visitor.newPage();
  await site.goto(base);
  await site.getByRole("link", { name: /TON Night e2e/ }).waitFor();
  await shot(site, "03b-site-landing");
  await site.getByRole("link", { name: /TON Night e2e/ }).click();
  await site.getByRole("heading", { name: "TON Night e2e" }).waitFor();
  // Client-side navigation keeps the landing's head; the server's tags come with a direct load, as a link preview gets it.
  await site.goto(`${base}/events/${eventUuid}`);
  if ((await site.locator('meta[property="og:title"]').getAttribute("content")) !== "TON Night e2e") throw new Error("og:title missing");
  if (!/\/media\/[0-9a-f]{64}\.png$/.test(await site.locator('meta[property="og:image"]').getAttribute("content"))) throw new Error("og:image missing");
  const buyHref = await site.getByRole("link", { name: "Get tickets in the Mini App" }).getAttribute("href");
  if (buyHref !== `/app/events/${eventUuid}`) throw new Error(`Mini App link: ${buyHref}`);
  await shot(site, "04-site-event-page");
  await visitor.close();

  // Participant: the Mini App on a phone, signed in with initData in the launch hash.
  step = "participant";
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    acceptDownloads: true,
  });
  await injectTestWallet(phone, wallet);
  const app = await phone.newPage();
  await openMiniApp(app, base, onton(["admin", "init-data", "--user-id", "9002", "--username", "guest", "--language", "en"], env));
  // The list pages through next_cursor: twenty per page, then "Show more".
  const cards = app.getByTestId("event-card");
  await eventually(app, async () => (await cards.count()) === 20, "the first page of 20 events", 10);
  await app.getByRole("button", { name: "Show more" }).click();
  await eventually(app, async () => (await cards.count()) === 21, "the second page", 10);
  if (await app.getByRole("button", { name: "Show more" }).count()) throw new Error("a third page is offered");
  await shot(app, "05-app-discover");
  // Search and the category filter (one list with the panel's, in the user's language).
  await app.getByLabel("Category").selectOption({ label: "Sport" });
  await eventually(app, async () => (await cards.count()) === 20 && (await app.getByText("TON Night e2e").count()) === 0, "sport events only", 10);
  await app.getByLabel("Category").selectOption({ label: "Meetup" });
  await eventually(app, async () => (await cards.count()) === 1, "the one meetup", 10);
  await app.getByLabel("Category").selectOption({ label: "All categories" });
  await app.getByRole("searchbox", { name: "Search events" }).fill("night");
  await eventually(app, async () => (await cards.count()) === 1, "the search to find one event", 10);
  await shot(app, "05b-app-search");
  await app.getByRole("link", { name: /TON Night e2e/ }).click();
  await app.getByText("Front rows and the party").waitFor();
  if (await app.getByText("Friends").count()) throw new Error("the hidden ticket type is offered to the public");
  await app.getByRole("radio", { name: /VIP/ }).check();
  await shot(app, "06-app-event");
  await app.getByRole("button", { name: "Buy for 1.5 TON" }).click();
  await app.getByTestId("pay-comment").waitFor();
  const comment = (await app.getByTestId("pay-comment").textContent()).trim();
  const address = (await app.getByTestId("pay-address").textContent()).trim();
  if ((await app.getByTestId("pay-amount").textContent()).trim() !== "1.5") throw new Error("amount shown is not 1.5 TON");
  await shot(app, "07-app-pay");
  // Pay through TON Connect: connect the wallet (no proof asked for a payment), then the one-transfer request.
  await app.getByRole("button", { name: "Connect wallet" }).click();
  await app.getByRole("button", { name: "Pay with the connected wallet" }).click();
  await app.getByText("Sent. Waiting for the transfer to land…").waitFor();
  await shot(app, "07b-app-pay-sent");
  if (wallet.sent.length !== 1) throw new Error(`the wallet sent ${wallet.sent.length} transfers`);
  const transfer = wallet.sent[0];
  if (transfer.amount !== "1500000000" || transfer.comment !== comment)
    throw new Error(`the wallet was asked for ${JSON.stringify(transfer)}, not 1.5 TON with ${comment}`);
  if (!/^(0|-1):[0-9a-f]{64}$/.test(address) && !address.startsWith("EQ") && !address.startsWith("UQ")) throw new Error(`odd address ${address}`);
  await app.getByText("Paid! Your tickets are ready.").waitFor({ timeout: 60_000 });
  await shot(app, "08-app-paid");
  // The payment screen followed the order on the live socket (docs/live.md), not only by asking.
  if (!/websocket open .*route=\/api\/v1\/ws/.test(server.log())) throw new Error("the payment screen opened no /api/v1/ws socket");
  await app.getByRole("link", { name: "Show my tickets" }).click();
  await app.getByRole("img", { name: "QR VIP" }).waitFor();
  const code = (await app.getByTestId("check-in-code").textContent()).trim();
  // What the QR code carries (the signed form, onton:t2:<code>.<signature>); the staff's camera reads it.
  const qrPayload = await app.getByTestId("check-in-code").getAttribute("data-qr-payload");
  await shot(app, "09-app-ticket-qr");
  // Add to calendar: in a browser a plain download of the event's .ics.
  const [ics] = await Promise.all([app.waitForEvent("download"), app.getByRole("link", { name: "Add to calendar" }).first().click()]);
  const icsText = readFileSync(await ics.path(), "utf8");
  if (!ics.suggestedFilename().endsWith(".ics") || !icsText.includes("SUMMARY:TON Night e2e") || !icsText.includes("DTSTART:20300301T150000Z"))
    throw new Error(`the calendar file: ${ics.suggestedFilename()} ${icsText.slice(0, 200)}`);
  await app.getByRole("link", { name: "Orders" }).click();
  await app.getByText("paid", { exact: true }).waitFor();
  await shot(app, "10-app-orders");

  // The hidden type's direct link: the type is there, and it sells (free); the ticket is then given to a friend.
  step = "hidden type and transfer";
  await app.goto(hiddenLink);
  await app.getByRole("radio", { name: /Friends/ }).check();
  await app.getByRole("button", { name: "Get ticket" }).click();
  await app.getByRole("heading", { name: "My tickets" }).waitFor();
  const friends = app.getByRole("article", { name: /Friends/ });
  await friends.getByLabel("Recipient's Telegram user id").fill("9001");
  await friends.getByRole("button", { name: "Transfer" }).click();
  await app.getByText("Ticket transferred.").waitFor();
  await friends.waitFor({ state: "detached" });
  await shot(app, "10a-app-ticket-transferred");

  // The bot's "My tickets" button opens /app#/tickets.
  await app.goto(`${base}/app#/tickets`);
  await app.getByRole("heading", { name: "My tickets" }).waitFor();
  // The VIP type is an NFT type: once the NFT manager has taken the paid ticket (it sweeps every 2 s), the ticket
  // says its NFT waits for a linked wallet (the participant has linked none).
  for (let i = 0; i < 30 && (await app.getByTestId("ticket-nft").count()) === 0; i++) {
    await app.waitForTimeout(1000);
    await app.reload();
    await app.getByRole("heading", { name: "My tickets" }).waitFor();
  }
  const nft = app.getByTestId("ticket-nft");
  if ((await nft.getAttribute("data-nft-state")) !== "created") throw new Error("the NFT ticket shows no NFT waiting for a wallet");
  await app.getByText("NFT: minted to your wallet once you link one").waitFor();

  // Link the wallet with ton_proof: the app asks the API for a payload, the wallet signs it, the server verifies.
  step = "wallet link";
  await app.getByRole("link", { name: "Wallet" }).click();
  await app.getByTestId("no-wallet").waitFor();
  await shot(app, "10b-app-wallet-none");
  await app.getByRole("button", { name: "Link a wallet" }).click();
  const linked = app.getByTestId("linked-wallet");
  await linked.waitFor({ timeout: 30_000 });
  if ((await linked.getAttribute("data-raw-address")) !== wallet.rawAddress)
    throw new Error(`linked ${await linked.getAttribute("data-raw-address")}, not ${wallet.rawAddress}`);
  if (wallet.proofs.length !== 1 || wallet.proofs[0].domain !== `127.0.0.1:${port}`) throw new Error(`the wallet signed ${JSON.stringify(wallet.proofs)}`);
  await shot(app, "10c-app-wallet-linked");

  // The NFT manager mints the ticket to the linked wallet; the ticket shows it minted, and the chain agrees.
  step = "nft minted";
  await app.getByRole("link", { name: "My tickets" }).click();
  await eventually(app, async () => (await app.getByTestId("ticket-nft").getAttribute("data-nft-state")) === "minted", "the NFT to be minted", 90);
  const itemAddress = await app.getByTestId("ticket-nft").getAttribute("data-nft-address");
  const onChain = await nftOwner(tonApi, itemAddress);
  if (!onChain.initialized || !onChain.owner || !onChain.owner.equals(wallet.address)) {
    throw new Error(`get_nft_data of ${itemAddress}: owner ${onChain.owner?.toRawString()}, not the linked ${wallet.rawAddress}`);
  }
  await shot(app, "10d-app-ticket-nft-minted");

  // The same Mini App as Telegram opens it, for a Russian-speaking user: the SDK (@telegram-apps/sdk-react) tells
  // the client it is ready, expands the viewport, follows the dark theme (and a switch to light), shows the back
  // button and sets up Telegram's main button with the Russian label; pressing it places the order with a success
  // haptic; the order is paid through TON Connect from the wallet inside this client; links that leave the app (the
  // wallet's ton:// link, the calendar file) go through the client; the back button goes back, and a second order
  // over the per-user limit is refused with an error haptic.
  step = "inside telegram";
  const telegram = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await injectTestWallet(telegram, tgWallet);
  await telegram.addInitScript(() => {
    window.__posted = [];
    window.TelegramWebviewProxy = {
      postEvent: (type, data) => {
        window.__posted.push({ type, data: data === undefined ? null : JSON.parse(data) });
        // What a Telegram client answers the SDK's requests with (the viewport's mount waits for all three).
        const answers = {
          web_app_request_viewport: ["viewport_changed", { height: 844, width: 390, is_expanded: false, is_state_stable: true }],
          web_app_request_safe_area: ["safe_area_changed", { top: 24, bottom: 34, left: 0, right: 0 }],
          web_app_request_content_safe_area: ["content_safe_area_changed", { top: 0, bottom: 0, left: 0, right: 0 }],
          web_app_request_file_download: ["file_download_requested", { status: "downloading" }],
        };
        const answer = answers[type];
        if (answer) setTimeout(() => window.Telegram.WebView.receiveEvent(answer[0], answer[1]), 10);
      },
    };
  });
  const tg = await telegram.newPage();
  // What the page says to its console (the SDK explains there why it would not start).
  tg.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") console.log(`e2e: telegram page ${m.type()}: ${m.text()}`);
  });
  const ruInit = onton(
    ["admin", "init-data", "--user-id", "9004", "--language", "ru", "--start-param", `event_${eventUuid}`, "--signature-seed", telegramTestSeed],
    env,
  );
  await tg.goto(
    `${base}/app#tgWebAppData=${encodeURIComponent(ruInit)}&tgWebAppPlatform=android&tgWebAppVersion=8.0&tgWebAppThemeParams=${encodeURIComponent('{"bg_color":"#17212b","text_color":"#f5f5f5","button_color":"#2ea6ff"}')}`,
  );
  await tg.getByRole("heading", { name: "TON Night e2e" }).waitFor(); // the start parameter opened the event
  await tg.waitForFunction(() =>
    window.__posted.some((e) => e.type === "web_app_setup_main_button" && e.data.is_visible && e.data.text === "Купить за 1.5 TON"),
  );
  if (await tg.getByRole("button", { name: "Купить за 1.5 TON" }).count()) throw new Error("the page drew its own buy button inside Telegram");
  try {
    await tg.waitForFunction(() => {
      const posted = (type) => window.__posted.some((e) => e.type === type);
      const back = window.__posted.filter((e) => e.type === "web_app_setup_back_button").pop();
      return posted("web_app_ready") && posted("web_app_expand") && back?.data.is_visible === true && document.documentElement.dataset.theme === "dark";
    });
  } catch (e) {
    const seen = await tg.evaluate(() => JSON.stringify({ posted: window.__posted.map((p) => p.type), theme: document.documentElement.dataset.theme }));
    throw new Error(`the SDK did not set up the client as expected: ${seen}`, { cause: e });
  }
  // The theme's colours are the page's own variables now, and the safe area the client reported pads the page.
  if ((await tg.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--bg").trim())) !== "#17212b")
    throw new Error("Telegram's bg_color is not the page's --bg");
  await tg.waitForFunction(() => getComputedStyle(document.body).paddingTop === "24px" && getComputedStyle(document.body).paddingBottom === "34px");
  // Zooming is the user's: the Mini App's viewport does not forbid it.
  if (/maximum-scale|user-scalable=no/.test(await tg.locator('meta[name="viewport"]').getAttribute("content"))) throw new Error("the Mini App blocks zoom");
  await shot(tg, "11-telegram-event-ru-dark");
  // Add to calendar inside Telegram: the client is asked to download the file (its WebView would not).
  await tg.getByRole("link", { name: "Добавить в календарь" }).click();
  await tg.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_request_file_download" && /\/calendar\.ics$/.test(e.data.url)));
  // The user switches Telegram to its light theme: the page follows.
  await tg.evaluate(() =>
    window.Telegram.WebView.receiveEvent("theme_changed", { theme_params: { bg_color: "#ffffff", text_color: "#000000", button_color: "#2481cc" } }),
  );
  await tg.waitForFunction(
    () => document.documentElement.dataset.theme === "light" && getComputedStyle(document.documentElement).getPropertyValue("--bg").trim() === "#ffffff",
  );
  await shot(tg, "11b-telegram-event-ru-light");
  await tg.evaluate(() => window.Telegram.WebView.receiveEvent("main_button_pressed", null));
  await tg.getByRole("heading", { name: "Оплата 1.5 TON" }).waitFor();
  // The order was placed with a haptic "success" through the SDK.
  await tg.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_trigger_haptic_feedback" && e.data.notification_type === "success"));
  await shot(tg, "12-telegram-pay-ru");
  // The wallet's ton:// link is opened by the client (web_app_open_link), not by the WebView.
  await tg.getByRole("link", { name: "Открыть в кошельке" }).click();
  await tg.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_open_link" && e.data.url.startsWith("ton://transfer/")));
  // This buyer pays through TON Connect too, from the wallet in this client; the organizer refunds it below.
  const ruComment = (await tg.getByTestId("pay-comment").textContent()).trim();
  await tg.getByRole("button", { name: "Connect wallet" }).click();
  await tg.getByRole("button", { name: "Оплатить подключённым кошельком" }).click();
  await tg.getByText("Оплачено! Билеты готовы.").waitFor({ timeout: 60_000 });
  if (tgWallet.sent.length !== 1 || tgWallet.sent[0].comment !== ruComment || tgWallet.sent[0].amount !== "1500000000")
    throw new Error(`the Telegram wallet sent ${JSON.stringify(tgWallet.sent)}`);
  // Telegram's back button goes back to the event; a second VIP ticket is over the limit of one: an error haptic.
  const setups = (await posted(tg, "web_app_setup_main_button")).length;
  await tg.evaluate(() => window.Telegram.WebView.receiveEvent("back_button_pressed", null));
  await tg.getByRole("heading", { name: "TON Night e2e" }).waitFor();
  // The event page put its buy button up again before it is pressed.
  await tg.waitForFunction(
    (n) => window.__posted.filter((e) => e.type === "web_app_setup_main_button").length > n && window.__posted.at(-1).type !== "web_app_setup_back_button",
    setups,
  );
  await tg.waitForFunction(() => window.__posted.filter((e) => e.type === "web_app_setup_main_button").at(-1).data.is_visible);
  await tg.evaluate(() => window.Telegram.WebView.receiveEvent("main_button_pressed", null));
  await tg.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_trigger_haptic_feedback" && e.data.notification_type === "error"));
  await tg.getByRole("alert").waitFor();
  await shot(tg, "12b-telegram-limit-error");

  // Telegram Stars: the organizer prices a ticket type in Stars in the panel; the same Russian user buys it with the
  // main button and pays with the main button again: the app asks the server for the invoice link (createInvoiceLink
  // in XTR on the fake Bot API, the order's payment comment as payload) and the client is asked to open it. This
  // test then plays Telegram: the pre-checkout query is answered ok, the successful payment arrives at the webhook
  // (twice, as Telegram may retry), the client reports the invoice paid, and the order turns paid live with one
  // ticket. The organizer's refund goes back through refundStarPayment with the charge id.
  step = "telegram stars";
  const starsEvent = await organizerApi("POST", "/api/v1/events", {
    title: "Stars night e2e",
    description: "Paid in Telegram Stars",
    start_date: Math.floor(Date.now() / 1000) + 30 * 86400,
    end_date: Math.floor(Date.now() / 1000) + 30 * 86400 + 7200,
    participation_type: "in_person",
    location: "Dubai, Rooftop",
    category: "meetup",
  });
  const starsUuid = starsEvent.event_uuid;
  await panel.goto(`${base}/panel/events/${starsUuid}`);
  await panel.getByLabel("Ticket name").fill("Star seat");
  await panel.getByLabel("Currency").selectOption("XTR");
  await panel.getByLabel("Price (Stars)").fill("50");
  await panel.getByLabel("Supply").fill("3");
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.getByRole("cell", { name: "50 Stars" }).waitFor();
  await panel.getByRole("button", { name: "Publish" }).click();
  await panel.getByTestId("event-status").filter({ hasText: "published" }).waitFor();
  await shot(panel, "12c-panel-stars-ticket-type");
  await panel.goto(`${base}/panel/events/${eventUuid}`);
  const starsPage = await telegram.newPage();
  const starsInit = onton(
    ["admin", "init-data", "--user-id", "9004", "--language", "ru", "--start-param", `event_${starsUuid}`, "--signature-seed", telegramTestSeed],
    env,
  );
  await starsPage.goto(
    `${base}/app#tgWebAppData=${encodeURIComponent(starsInit)}&tgWebAppPlatform=android&tgWebAppVersion=8.0&tgWebAppThemeParams=${encodeURIComponent('{"bg_color":"#ffffff","text_color":"#000000","button_color":"#2481cc"}')}`,
  );
  await starsPage.getByRole("heading", { name: "Stars night e2e" }).waitFor();
  const mainButton = (text) =>
    starsPage.waitForFunction(
      (label) =>
        window.__posted.filter((e) => e.type === "web_app_setup_main_button").at(-1)?.data.is_visible &&
        window.__posted.filter((e) => e.type === "web_app_setup_main_button").at(-1).data.text === label,
      text,
    );
  await mainButton("Купить за 50 Stars");
  await starsPage.evaluate(() => window.Telegram.WebView.receiveEvent("main_button_pressed", null));
  await starsPage.getByRole("heading", { name: "Оплата 50 Stars" }).waitFor();
  const starsOrder = starsPage.url().split("/").pop();
  await mainButton("Оплатить звёздами");
  await shot(starsPage, "12d-telegram-stars-pay");
  await starsPage.evaluate(() => window.Telegram.WebView.receiveEvent("main_button_pressed", null));
  const invoice = await botApi.waitFor("createInvoiceLink", () => true, "for the Stars order");
  if (invoice.currency !== "XTR" || invoice.provider_token !== "" || invoice.prices?.[0]?.amount !== 50 || invoice.title !== "Stars night e2e")
    throw new Error(`createInvoiceLink ${JSON.stringify(invoice)}`);
  await starsPage.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_open_invoice" && e.data.slug === "e2eInvoice1"));
  await starsPage.locator('[data-testid="stars-pay"][data-stage="open"]').waitFor();
  // Telegram's side: the payer is the init data's user.
  const webhook = async (update) => {
    const r = await fetch(`${base}/telegram/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": webhookSecret },
      body: JSON.stringify(update),
    });
    if (r.status !== 200) throw new Error(`webhook: HTTP ${r.status} ${await r.text()}`);
  };
  const payer = { id: 9004, is_bot: false, first_name: "Ivan", language_code: "ru" };
  // A wrong secret is refused before anything is read.
  const forged = await fetch(`${base}/telegram/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "not-the-secret" },
    body: JSON.stringify({ update_id: 1 }),
  });
  if (forged.status !== 401 && forged.status !== 403) throw new Error(`a forged webhook call got HTTP ${forged.status}`);
  await webhook({
    update_id: 701,
    pre_checkout_query: { id: "e2e-pcq-1", from: payer, currency: "XTR", total_amount: 50, invoice_payload: invoice.payload },
  });
  const checkout = await botApi.waitFor("answerPreCheckoutQuery", (p) => p.pre_checkout_query_id === "e2e-pcq-1", "for the pre-checkout query");
  if (checkout.ok !== true) throw new Error(`the pre-checkout query was refused: ${JSON.stringify(checkout)}`);
  const successful = {
    message_id: 77,
    date: Math.floor(Date.now() / 1000),
    from: payer,
    chat: { id: 9004, type: "private" },
    successful_payment: {
      currency: "XTR",
      total_amount: 50,
      invoice_payload: invoice.payload,
      telegram_payment_charge_id: "stxE2eCharge1",
      provider_payment_charge_id: "",
    },
  };
  await webhook({ update_id: 702, message: successful });
  await webhook({ update_id: 702, message: successful }); // Telegram's retry: credited once
  await starsPage.evaluate(() => window.Telegram.WebView.receiveEvent("invoice_closed", { slug: "e2eInvoice1", status: "paid" }));
  await starsPage.getByText("Оплачено! Билеты готовы.").waitFor({ timeout: 30_000 });
  await starsPage.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_trigger_haptic_feedback" && e.data.notification_type === "success"));
  await shot(starsPage, "12e-telegram-stars-paid");
  const starsGuests = await organizerApi("GET", `/api/v1/events/${starsUuid}/guests`);
  if (starsGuests.items.length !== 1 || starsGuests.items[0].order_uuid !== starsOrder || starsGuests.items[0].holder.user_id !== 9004)
    throw new Error(`the Stars event's guests: ${JSON.stringify(starsGuests)}`);
  // The organizer refunds it: the Stars go back to the payer through the Bot API, and the order is refunded.
  await organizerApi("POST", `/api/v1/events/${starsUuid}/orders/${starsOrder}/refund`);
  const refund = await botApi.waitFor("refundStarPayment", (p) => p.telegram_payment_charge_id === "stxE2eCharge1", "for the Stars charge", 60);
  if (refund.user_id !== 9004) throw new Error(`refundStarPayment to ${refund.user_id}`);
  // The payment screen stops following an order once it is paid; opened again, it says refunded.
  await eventually(
    starsPage,
    async () => (await starsPage.locator('[data-order-state="refunded"]').count()) === 1,
    "the Stars order to show refunded",
    30,
    true,
  );
  const refundedGuests = await organizerApi("GET", `/api/v1/events/${starsUuid}/guests`);
  if (refundedGuests.items.some((g) => g.status !== "refunded")) throw new Error(`tickets of the refunded order: ${JSON.stringify(refundedGuests)}`);
  if (botApi.calls("refundStarPayment").length !== 1) throw new Error(`refundStarPayment called ${botApi.calls("refundStarPayment").length} times`);
  await shot(starsPage, "12f-telegram-stars-refunded");
  await telegram.close();

  // Staff: signs in once, the organizer adds them by @username, they see the event as staff and scan.
  step = "staff";
  writeQrVideo(camera, qrPayload);
  const scannerBrowser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ["--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${camera}`],
  });
  try {
    const staff = await scannerBrowser.newContext({ viewport: { width: 800, height: 1000 }, permissions: ["camera"] });
    const desk = await staff.newPage();
    await desk.goto(`${base}/panel`);
    await desk.getByLabel("Login Widget data").fill(onton(["admin", "login-widget", "--user-id", "9003", "--username", "staff"], env));
    await desk.getByRole("button", { name: "Sign in" }).click();
    await desk.getByRole("heading", { name: "Your events" }).waitFor();
    await desk.getByText("No events yet").waitFor();

    await panel.getByRole("link", { name: "Staff" }).click();
    await panel.getByLabel("Telegram @username or user id").fill("@nobody_here");
    await panel.getByRole("button", { name: "Add" }).click();
    await panel.getByText("no user @nobody_here has signed in").waitFor();
    await panel.getByLabel("Telegram @username or user id").fill("@staff");
    await panel.getByLabel("Role").selectOption("checkin_staff");
    await panel.getByRole("button", { name: "Add" }).click();
    await panel.getByRole("cell", { name: "check-in staff" }).waitFor();
    await shot(panel, "13-panel-staff");

    // The staff member's panel lists the event, marked, and opens only its check-in desk.
    await desk.reload();
    await desk.locator('[data-my-role="checkin_staff"]').getByText("TON Night e2e").click();
    await desk.waitForURL(/\/check-in$/);
    const tabs = await desk.getByRole("navigation", { name: "Event sections" }).getByRole("link").allTextContents();
    if (JSON.stringify(tabs) !== JSON.stringify(["Check-in"])) throw new Error(`staff see the tabs ${tabs}`);
    await shot(desk, "13b-staff-events");
    await desk.getByRole("button", { name: "Scan with camera" }).click();
    await desk.locator('[data-verdict="admitted"]').waitFor({ timeout: 30_000 });
    await shot(desk, "14-checkin-camera-admitted");
    await desk.getByRole("button", { name: "Stop camera" }).click();
    // Admitted by mistake: undone at once, and the ticket admits again.
    await desk.getByRole("button", { name: "Undo this check-in" }).click();
    await desk.locator('[data-verdict="undone"]').waitFor();
    await desk.getByLabel("Ticket code").fill(code);
    await desk.getByRole("button", { name: "Check in" }).click();
    await desk.locator('[data-verdict="admitted"]').waitFor();
    await desk.getByLabel("Ticket code").fill(code);
    await desk.getByRole("button", { name: "Check in" }).click();
    // Already used says who let the guest in, and when.
    await desk
      .locator('[data-verdict="already_used"]')
      .filter({ hasText: /admitted at .* by User 9003 \(@staff\)/ })
      .waitFor();
    await shot(desk, "15-checkin-already-used");
    // From the keyboard: type the code and press Enter.
    await desk.getByLabel("Ticket code").fill("not-a-real-code");
    await desk.getByLabel("Ticket code").press("Enter");
    await desk.locator('[data-verdict="invalid"]').waitFor();
    await shot(desk, "16-checkin-invalid");

    // Removing staff: the event leaves their list.
    await panel.getByRole("button", { name: "Remove User 9003" }).click();
    await panel.getByRole("cell", { name: "check-in staff" }).waitFor({ state: "detached" });
    await desk.goto(`${base}/panel`);
    await desk.getByText("No events yet").waitFor();
  } finally {
    await scannerBrowser.close();
  }

  // The organizer sees the guests with each order's payment state, filters and exports them, and refunds the
  // Telegram buyer (an organizer's right, no admin needed).
  step = "guests and refund";
  await panel.getByRole("link", { name: "Guests" }).click();
  await panel.getByRole("cell", { name: "used" }).waitFor();
  const rows = panel.locator("tbody tr");
  const moneyStates = async () =>
    (await panel.getByTestId("money-state").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-money-state")))).filter((x) => x !== "").sort();
  // Filtered by ticket type: the two VIP buyers, both paid.
  await panel.getByLabel("Ticket type").selectOption({ label: "VIP" });
  await eventually(
    panel,
    async () => (await rows.count()) === 2 && JSON.stringify(await moneyStates()) === JSON.stringify(["paid", "paid"]),
    "two paid VIP orders",
    10,
  );
  await shot(panel, "17-panel-guests");
  await panel.getByLabel("Search guests").fill("guest");
  await eventually(panel, async () => (await rows.count()) === 1, "the search to find @guest", 10);
  await panel.getByLabel("Search guests").fill("");
  await eventually(panel, async () => (await rows.count()) === 2, "the search cleared", 10);
  const [csv] = await Promise.all([panel.waitForEvent("download"), panel.getByRole("button", { name: "Export CSV" }).click()]);
  const csvLines = readFileSync(await csv.path(), "utf8")
    .trim()
    .split("\n");
  if (csvLines.length !== 3 || csvLines.slice(1).some((l) => !l.includes("VIP"))) throw new Error(`the CSV export: ${csvLines.join(" | ")}`);
  await panel.getByLabel("Ticket type").selectOption("");
  await panel.getByLabel("Ticket status").selectOption("transferred");
  await eventually(panel, async () => (await rows.count()) === 1 && (await rows.first().textContent()).includes("Friends"), "the transferred ticket", 10);
  await panel.getByLabel("Ticket status").selectOption("");
  // The Telegram buyer's row (the other VIP buyer is @guest): refunded by the organizer, who is no admin.
  await panel
    .getByRole("row")
    .filter({ hasNotText: "@guest" })
    .getByRole("button", { name: /Refund .*'s order/ })
    .click();
  await panel.getByRole("alertdialog").waitFor();
  // The keyboard lands on the safe choice.
  if ((await panel.evaluate(() => document.activeElement?.textContent)) !== "Keep") throw new Error("the refund confirmation does not focus Keep");
  await shot(panel, "17b-panel-refund-confirm");
  await panel.getByRole("alertdialog").getByRole("button", { name: "Refund 1.5 TON" }).click();
  // The refund is recorded at once and sent from the platform wallet by the server's refund job.
  await eventually(panel, async () => (await moneyStates()).includes("refund_sent"), "the refund to be sent", 90);
  await panel.getByRole("cell", { name: "refunded", exact: true }).first().waitFor();
  await shot(panel, "17c-panel-refund-sent");

  step = "analytics";
  await panel.getByRole("link", { name: "Analytics" }).click();
  await panel.getByTestId("revenue").filter({ hasText: "1.5 TON" }).waitFor();
  await panel.getByRole("img", { name: "Sales over time (tickets per day, UTC)" }).waitFor();
  await shot(panel, "18-panel-analytics");

  // An online workshop guests apply to: rejected with a reason, applied again, approved; a promo code; a free seat
  // that sells out, a waiting list, and the seat a larger supply frees offered to the next in line; self check-in by
  // the phrase the organizer reveals.
  step = "workshop";
  await panel.goto(`${base}/panel/events/new`);
  await panel.getByLabel("Title", { exact: true }).fill("Workshop e2e");
  await panel.getByLabel("Description").fill("Build a Mini App in an afternoon.");
  await panel.getByLabel("Format").selectOption("online");
  await panel.getByLabel("Online link").fill("https://meet.example/workshop");
  await panel.getByLabel("Category").selectOption("workshop");
  await panel.getByLabel("Guests apply and I approve them before they get tickets").check();
  await panel.getByRole("button", { name: "Create draft" }).click();
  await panel.waitForURL(/\/panel\/events\/[0-9a-f-]+$/);
  const workshopUuid = panel.url().split("/").pop();
  await panel.getByLabel("Ticket name").fill("Seat");
  await panel.getByLabel("Price (TON)").fill("0");
  await panel.getByLabel("Supply").fill("1");
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.locator('tr[data-ticket-type="Seat"]').waitFor();
  await panel.getByLabel("Ticket name").fill("Supporter");
  await panel.getByLabel("Price (TON)").fill("2");
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.locator('tr[data-ticket-type="Supporter"]').waitFor();
  await panel.getByRole("button", { name: "Publish" }).click();
  await panel.getByTestId("event-status").filter({ hasText: "published" }).waitFor();
  await panel.getByRole("link", { name: "Promo codes" }).click();
  await panel.getByLabel("Code", { exact: true }).fill("HALF");
  await panel.getByLabel("Percent").fill("50");
  await panel.getByLabel("For ticket type").selectOption({ label: "Supporter" });
  await panel.getByRole("button", { name: "Create promo code" }).click();
  await panel.locator('tr[data-promo-code="HALF"]').waitFor();
  await shot(panel, "21-panel-promo-codes");

  await app.goto(`${base}/app/events/${workshopUuid}`);
  await app.getByLabel("A note to the organizer (optional)").fill("I build bots");
  await app.getByRole("button", { name: "Apply" }).click();
  await app.getByText("Your application is waiting for the organizer.").waitFor();
  await panel.getByRole("link", { name: "Applications" }).click();
  await panel.getByRole("button", { name: "Reject User 9002…" }).click();
  await panel.getByLabel("Reason for User 9002").fill("Tell us what you will build");
  await panel.getByRole("button", { name: "Reject", exact: true }).click();
  await panel.locator('[data-application-status="rejected"]').waitFor();
  await app.reload();
  await app.getByText("Your application was declined: Tell us what you will build").waitFor();
  await app.getByLabel("A note to the organizer (optional)").fill("A ticket scanner Mini App");
  await app.getByRole("button", { name: "Apply" }).click();
  await app.getByText("Your application is waiting for the organizer.").waitFor();
  await panel.reload();
  await panel.getByRole("button", { name: "Approve User 9002" }).click();
  await panel.locator('[data-application-status="approved"]').waitFor();
  await shot(panel, "22-panel-applications");
  await app.reload();
  // Approved: the ticket form, with a promo code for the paid type (half of 2 TON).
  await app.getByRole("radio", { name: /Supporter/ }).check();
  await app.getByLabel("Promo code").fill("nope");
  await app.getByRole("button", { name: "Buy for 2 TON" }).click();
  await app.getByText("no such promo code").waitFor();
  await app.getByLabel("Promo code").fill("half");
  await app.getByRole("button", { name: "Buy for 2 TON" }).click();
  await app.getByTestId("pay-amount").filter({ hasText: /^1$/ }).waitFor();
  await shot(app, "23-app-promo-applied");
  await app.goBack();
  await app.getByRole("radio", { name: /Seat/ }).check();
  await app.getByRole("button", { name: "Get ticket" }).click();
  await app.getByRole("article", { name: /Workshop e2e — Seat/ }).waitFor();

  // Self check-in: the organizer sets and reveals the phrase; the guest types it (a wrong one first).
  await panel.getByRole("link", { name: "Check-in" }).click();
  await panel.getByLabel("Phrase", { exact: true }).fill("Blue Whale");
  await panel.getByRole("button", { name: "Set phrase" }).click();
  await panel.getByTestId("revealed-phrase").filter({ hasText: "Blue Whale" }).waitFor();
  await app.goto(`${base}/app/events/${workshopUuid}`);
  await app.getByLabel("The phrase the organizer revealed").fill("red whale");
  await app.getByRole("button", { name: "Check in" }).click();
  await app.getByText("That is not the phrase (4 tries left)").waitFor();
  await app.getByLabel("The phrase the organizer revealed").fill("blue   whale");
  await app.getByRole("button", { name: "Check in" }).click();
  await app.getByTestId("self-check-in-done").waitFor();
  await shot(app, "24-app-self-check-in");

  // The seat is gone: a late guest, approved, joins the waiting list; a larger supply frees a seat for them.
  const late = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const lateApp = await late.newPage();
  await openMiniApp(lateApp, base, onton(["admin", "init-data", "--user-id", "9005", "--username", "late", "--language", "en"], env));
  await lateApp.goto(`${base}/app/events/${workshopUuid}`);
  await lateApp.getByRole("button", { name: "Apply" }).click();
  await lateApp.getByText("Your application is waiting for the organizer.").waitFor();
  await panel.getByRole("link", { name: "Applications" }).click();
  await eventually(panel, async () => (await panel.getByRole("button", { name: "Approve User 9005" }).count()) === 1, "the late application", 10, true);
  await panel.getByRole("button", { name: "Approve User 9005" }).click();
  await panel.locator('[data-application-status="approved"]').nth(1).waitFor();
  await lateApp.reload();
  if (!(await lateApp.getByRole("radio", { name: /Seat/ }).isDisabled())) throw new Error("the sold-out seat is offered");
  await lateApp.getByRole("button", { name: "Join the waiting list" }).click();
  await lateApp.getByText("Seat: you are number 1 in line").waitFor();
  await shot(lateApp, "25-app-waitlist");
  await panel.getByRole("link", { name: "Details" }).click();
  await panel.getByRole("button", { name: "Edit Seat" }).click();
  await panel.getByLabel("Supply").fill("2");
  await panel.getByRole("button", { name: "Save ticket type" }).click();
  await panel.locator('tr[data-ticket-type="Seat"]').getByRole("cell", { name: "2", exact: true }).waitFor();
  await lateApp.locator('[data-waitlist-status="offered"]').waitFor({ timeout: 30_000 });
  await lateApp.getByRole("radio", { name: /Seat/ }).check();
  await shot(lateApp, "26-app-waitlist-offered");
  await lateApp.getByRole("button", { name: "Get ticket" }).click();
  await lateApp.getByRole("article", { name: /Workshop e2e — Seat/ }).waitFor();
  await late.close();

  step = "clone and cancel";
  await panel.goto(`${base}/panel/events/${eventUuid}`);
  // Canceling says first what it does to the paid order, then does it.
  await panel.getByRole("button", { name: "Cancel event" }).click();
  await panel.getByTestId("cancel-consequence").filter({ hasText: "1 paid order (1.5 TON) will be refunded in full" }).waitFor();
  await shot(panel, "18b-panel-cancel-confirm");
  await panel.getByRole("button", { name: "Yes, cancel the event" }).click();
  await panel.getByTestId("event-status").filter({ hasText: "canceled" }).waitFor();
  await panel.getByRole("link", { name: "Guests" }).click();
  await eventually(
    panel,
    async () => {
      const states = await moneyStates();
      return states.length === 2 && states.every((x) => x !== "paid");
    },
    "the canceled event's paid order to be refunded",
    60,
    true,
  );
  await shot(panel, "18c-panel-canceled-guests");
  await panel.getByRole("link", { name: "Details" }).click();
  await panel.getByRole("button", { name: "Clone" }).click();
  await panel.waitForURL((url) => url.pathname.startsWith("/panel/events/") && !url.pathname.endsWith(eventUuid));
  await panel.getByTestId("event-status").filter({ hasText: "draft" }).waitFor();
  await shot(panel, "19-panel-clone");
  await panel.getByRole("link", { name: "Wallet" }).click();
  await panel.getByRole("button", { name: "Link a wallet" }).waitFor();
  await shot(panel, "20-panel-wallet");
  console.log(`e2e: the whole story passed in ${Math.round((Date.now() - started) / 1000)} s; ${shots.length} screenshots, one per page, in ${artifacts}`);
}

try {
  await main();
} catch (e) {
  console.error(`e2e: failed at step "${step}": ${e instanceof Error ? e.stack : e}`);
  if (server) console.error(`--- onton serve log ---\n${server.log().slice(-4000)}`);
  // What each open page showed when the story stopped.
  let n = 0;
  for (const context of browser?.contexts() ?? []) {
    for (const page of context.pages()) await page.screenshot({ path: join(artifacts, `failure-${++n}.png`) }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (walletsServer) walletsServer.close();
  if (botApi) await botApi.close();
  console.log(`e2e: screenshots kept in ${artifacts}`);
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  rmSync(work, { recursive: true, force: true });
}

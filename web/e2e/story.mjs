// The whole story in Debian's chromium (headless, driven by playwright-core) against a real `onton serve` with the
// TON emulator: an organizer signs in to the panel, creates a paid event with an NFT ticket type and publishes it;
// a participant opens the Mini App on a phone-sized screen with a TON wallet in it (e2e/test-wallet.mjs: an
// injected TON Connect bridge whose key is an emulator wallet's), buys, pays through the TON Connect button (the
// wallet signs and sends the transfer with the amount and comment the app prefilled), sees the order turn paid and
// the ticket's QR code, links the wallet with a ton_proof the server verifies, and sees the NFT ticket minted to it
// (checked on chain with get_nft_data); inside Telegram (a stubbed client, the SDK's bridge) the Mini App speaks
// Russian, buys with Telegram's main button and is paid from another emulator wallet; a check-in staff member
// scans the ticket with the camera (a fake video of the QR) and the guest is admitted, then the same code by hand
// says already used, and a made-up code is invalid; the organizer, an admin, sees guests with their payment
// states, refunds the Telegram buyer's order (sent from the platform wallet), reads the analytics, clones the
// event and cancels it, told first that the paid order will be refunded. A screenshot of each page is kept.
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

async function main() {
  // The platform wallet signs NFT deploys and mints, so the server gets its mnemonic (and checks the address).
  const platform = await emulator("/wallets", { version: "v5r1", balance_nano: "5000000000" });
  const mnemonic = Array.isArray(platform.mnemonic) ? platform.mnemonic.join(" ") : String(platform.mnemonic);
  const chosenPort = await freePort();
  // The participant's wallet: a real v4r2 wallet on the emulator, reached through TON Connect's JS bridge.
  const tonApi = tonUrl;
  const wallet = await createTestWallet({ control, tonApi });
  const walletsUrl = await serveWalletsList(walletsList(`http://127.0.0.1:${chosenPort}/icon.png`));
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
    // Telegram clients sign init data (the SDK requires the field); the stubbed client's is by this test key.
    ONTON_TELEGRAM_PUBLIC_KEY: telegramTestPublicKey,
    // The organizer is made an admin mid-story; sessions must see that at once.
    ONTON_AUTH_SESSION_CACHE_SECONDS: "0",
    ONTON_LOG_LEVEL: "info",
  };
  // The database exists before any admin command so that they and the server share one local bot token.
  onton(["migrate"], env);
  const port = await startServer(env);
  const base = `http://127.0.0.1:${port}`;

  const camera = join(work, "qr.y4m");
  // Camera input is fixed when the browser starts; the ticket code is known only later, so the scanner's browser
  // is launched after the purchase.
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });

  // Organizer: panel sign-in with a Login Widget object, an event with a paid NFT ticket type, published.
  step = "organizer";
  const organizer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const panel = await organizer.newPage();
  await panel.goto(`${base}/panel`);
  await shot(panel, "01-panel-sign-in");
  await panel.getByLabel("Login Widget data").fill(onton(["admin", "login-widget", "--user-id", "9001", "--username", "organizer"], env));
  await panel.getByRole("button", { name: "Sign in" }).click();
  await panel.getByRole("heading", { name: "Your events" }).waitFor();
  // The organizer also runs the platform (refunds are an admin's), granted from the command line.
  onton(["admin", "grant-admin", "9001"], env);
  await panel.reload();
  await panel.getByText("· admin").waitFor();
  await shot(panel, "01b-panel-events");
  await panel.getByRole("link", { name: "New event" }).click();
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
  await panel.getByLabel("Category").fill("meetup");
  await panel.getByRole("button", { name: "Create draft" }).click();
  await panel.waitForURL(/\/panel\/events\/[0-9a-f-]+$/);
  const eventUuid = panel.url().split("/").pop();
  await panel.getByLabel("Ticket name").fill("VIP");
  await panel.getByLabel("Price (TON)").fill("1.5");
  await panel.getByLabel("Supply").fill("10");
  await panel.getByLabel("NFT ticket").check();
  await panel.getByRole("button", { name: "Add ticket type" }).click();
  await panel.getByRole("cell", { name: "1.5 TON" }).waitFor();
  await panel.getByLabel("Event image (PNG, JPEG or WebP)").setInputFiles(join(here, "..", "public", "icon.png"));
  await panel.locator("img.event-image").waitFor();
  await panel.getByRole("button", { name: "Publish" }).click();
  await panel.getByTestId("event-status").filter({ hasText: "published" }).waitFor();
  await shot(panel, "03-panel-event-published");

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

  // Participant: the Mini App on a phone, signed in with initData in the launch hash.
  step = "participant";
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await injectTestWallet(phone, wallet);
  const app = await phone.newPage();
  const initData = onton(["admin", "init-data", "--user-id", "9002", "--username", "guest", "--language", "en"], env);
  await app.goto(`${base}/app#tgWebAppData=${encodeURIComponent(initData)}`);
  await app.getByRole("heading", { name: "Events" }).waitFor();
  await shot(app, "05-app-discover");
  await app.getByRole("link", { name: /TON Night e2e/ }).click();
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
  await app.getByRole("link", { name: "Orders" }).click();
  await app.getByText("paid", { exact: true }).waitFor();
  await shot(app, "10-app-orders");
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
  // the client it is ready, expands the viewport, follows the dark theme, shows the back button, sets up Telegram's
  // main button with the Russian label, and pressing it (an event from the client) places the order. The stubbed
  // client answers the viewport request as Telegram's do.
  step = "inside telegram";
  const telegram = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await telegram.addInitScript(() => {
    window.__posted = [];
    window.TelegramWebviewProxy = {
      postEvent: (type, data) => {
        window.__posted.push({ type, data: data === undefined ? null : JSON.parse(data) });
        // What a Telegram client answers the SDK's requests with (the viewport's mount waits for all three).
        const answers = {
          web_app_request_viewport: ["viewport_changed", { height: 844, width: 390, is_expanded: false, is_state_stable: true }],
          web_app_request_safe_area: ["safe_area_changed", { top: 0, bottom: 0, left: 0, right: 0 }],
          web_app_request_content_safe_area: ["content_safe_area_changed", { top: 0, bottom: 0, left: 0, right: 0 }],
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
  // The theme's colours are the page's own variables now.
  if ((await tg.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--bg").trim())) !== "#17212b")
    throw new Error("Telegram's bg_color is not the page's --bg");
  await shot(tg, "11-telegram-event-ru-dark");
  await tg.evaluate(() => window.Telegram.WebView.receiveEvent("main_button_pressed", null));
  await tg.getByRole("heading", { name: "Оплата 1.5 TON" }).waitFor();
  // The order was placed with a haptic "success" through the SDK.
  await tg.waitForFunction(() => window.__posted.some((e) => e.type === "web_app_trigger_haptic_feedback" && e.data.notification_type === "success"));
  await shot(tg, "12-telegram-pay-ru");
  // This buyer pays from another emulator wallet (a plain transfer with the comment); the admin refunds it below.
  const ruComment = (await tg.getByTestId("pay-comment").textContent()).trim();
  await emulator("/transfer", { from: 1, to: address, amount_nano: "1500000000", comment: ruComment });
  await tg.getByText("Оплачено! Билеты готовы.").waitFor({ timeout: 60_000 });

  // Staff: signs in once, the organizer makes them check-in staff, then they scan.
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

    await panel.getByRole("link", { name: "Staff" }).click();
    await panel.getByLabel("Telegram user id").fill("9003");
    await panel.getByLabel("Role").selectOption("checkin_staff");
    await panel.getByRole("button", { name: "Add" }).click();
    await panel.getByRole("cell", { name: "check-in staff" }).waitFor();
    await shot(panel, "13-panel-staff");

    await desk.goto(`${base}/panel/events/${eventUuid}/check-in`);
    await desk.getByRole("button", { name: "Scan with camera" }).click();
    await desk.locator('[data-verdict="admitted"]').waitFor({ timeout: 30_000 });
    await shot(desk, "14-checkin-camera-admitted");
    await desk.getByRole("button", { name: "Stop camera" }).click();
    await desk.getByLabel("Ticket code").fill(code);
    await desk.getByRole("button", { name: "Check in" }).click();
    await desk.locator('[data-verdict="already_used"]').waitFor();
    await shot(desk, "15-checkin-already-used");
    // From the keyboard: type the code and press Enter.
    await desk.getByLabel("Ticket code").fill("not-a-real-code");
    await desk.getByLabel("Ticket code").press("Enter");
    await desk.locator('[data-verdict="invalid"]').waitFor();
    await shot(desk, "16-checkin-invalid");
  } finally {
    await scannerBrowser.close();
  }

  // The organizer sees it in the guest list with each order's payment state, and refunds the Telegram buyer.
  step = "guests and refund";
  await panel.getByRole("link", { name: "Guests" }).click();
  await panel.getByRole("cell", { name: "used" }).waitFor();
  const moneyStates = async () => (await panel.getByTestId("money-state").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-money-state")))).sort();
  await eventually(panel, async () => JSON.stringify(await moneyStates()) === JSON.stringify(["paid", "paid"]), "two paid orders in the guest list", 10);
  await shot(panel, "17-panel-guests");
  // The Telegram buyer's row (the VIP participant is @guest).
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

  step = "clone and cancel";
  await panel.getByRole("link", { name: "Details" }).click();
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
      return states.length === 2 && states.every((x) => x !== "" && x !== "paid");
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
  console.log(`e2e: the whole story passed; ${shots.length} screenshots, one per page, in ${artifacts}`);
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
  console.log(`e2e: screenshots kept in ${artifacts}`);
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  rmSync(work, { recursive: true, force: true });
}

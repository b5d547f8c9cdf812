// A fake api.telegram.org for the browser story: `onton serve` gets its base URL as ONTON_BOT_API_URL and calls
// POST /bot<token>/<method> with a JSON body, as it does the real Bot API. Every call is recorded (method and
// parameters) and answered as Telegram would: sendMessage with a message, createInvoiceLink with a t.me invoice link
// (https://t.me/$<slug>, the form a Mini App hands to openInvoice), everything else with `true`. A call for another
// bot token is answered 401 as Telegram does, so a server with the wrong token fails loudly.
import { createServer } from "node:http";

/**
 * Starts the fake on a loopback port. Returns { url, calls(method), waitFor(method, predicate, what), close() }.
 * `calls` lists the parameters of every call of `method` so far, oldest first.
 */
export async function startFakeBotApi(token) {
  const calls = [];
  let messageId = 0;
  let invoice = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const answer = (status, json) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(json));
      };
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match) return answer(404, { ok: false, error_code: 404, description: "Not Found" });
      if (match[1] !== token) return answer(401, { ok: false, error_code: 401, description: "Unauthorized" });
      let params;
      try {
        params = body ? JSON.parse(body) : {};
      } catch {
        return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
      }
      const method = match[2];
      calls.push({ method, params });
      switch (method) {
        case "sendMessage":
          return answer(200, {
            ok: true,
            result: { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: params.chat_id, type: "private" }, text: params.text },
          });
        case "createInvoiceLink":
          return answer(200, { ok: true, result: `https://t.me/$e2eInvoice${++invoice}` });
        default:
          return answer(200, { ok: true, result: true });
      }
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const of = (method) => calls.filter((c) => c.method === method).map((c) => c.params);
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls: of,
    /** The first call of `method` whose parameters satisfy `predicate`, waiting up to `seconds`. */
    async waitFor(method, predicate, what, seconds = 30) {
      for (let i = 0; i < seconds * 10; i++) {
        const found = of(method).find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the Bot API got no ${method} ${what} (calls: ${JSON.stringify(calls.map((c) => c.method))})`);
    },
    close: () => new Promise((done) => server.close(done)),
  };
}

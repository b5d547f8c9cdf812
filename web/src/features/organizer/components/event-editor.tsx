import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { currencies, formatAmount, parseUnits } from "@/lib/money";
import type { EventInfo, TicketType } from "@/lib/schemas";
import { useAddTicketType, useSaveEvent, useUploadImage, type EventBody } from "../api/events";
import { EventActions } from "./event-actions";

type Draft = {
  title: string;
  subtitle: string;
  description: string;
  participation_type: "in_person" | "online";
  location: string;
  online_link: string;
  start: string;
  end: string;
  category: string;
  visibility: "public" | "unlisted";
};

function toLocalInput(unix: number): string {
  const d = new Date(unix * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function emptyDraft(): Draft {
  const start = Math.floor(Date.now() / 1000 / 3600) * 3600 + 7 * 86400;
  return {
    title: "",
    subtitle: "",
    description: "",
    participation_type: "in_person",
    location: "",
    online_link: "",
    start: toLocalInput(start),
    end: toLocalInput(start + 3 * 3600),
    category: "",
    visibility: "public",
  };
}

function draftOf(e: EventInfo): Draft {
  return {
    title: e.title,
    subtitle: e.subtitle ?? "",
    description: e.description ?? "",
    participation_type: e.participation_type,
    location: e.location ?? "",
    online_link: e.online_link ?? "",
    start: toLocalInput(e.start_date),
    end: toLocalInput(e.end_date),
    category: e.category ?? "",
    visibility: e.visibility ?? "public",
  };
}

/** The API body for a draft; the dates are checked here so that their errors sit next to their fields too. */
export function bodyOf(d: Draft): { body?: EventBody; errors: Record<string, string> } {
  const start = fromLocalInput(d.start);
  const end = fromLocalInput(d.end);
  const errors: Record<string, string> = {};
  if (start === null) errors.start_date = "enter a date and time";
  if (end === null) errors.end_date = "enter a date and time";
  if (Object.keys(errors).length) return { errors };
  const body: EventBody = {
    title: d.title,
    description: d.description,
    participation_type: d.participation_type,
    start_date: start as number,
    end_date: end as number,
    visibility: d.visibility,
  };
  if (d.subtitle) body.subtitle = d.subtitle;
  if (d.category) body.category = d.category;
  if (d.participation_type === "online") body.online_link = d.online_link || null;
  else body.location = d.location || null;
  return { body, errors };
}

function TicketTypeForm(props: { eventUuid: string }) {
  const add = useAddTicketType(props.eventUuid);
  const [name, setName] = useState("");
  const [price, setPrice] = useState("");
  const [supply, setSupply] = useState("");
  const [isNft, setIsNft] = useState(false);
  const [currency, setCurrency] = useState<"TON" | "USDT">("TON");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { decimals, symbol } = currencies[currency];
  const submit = async () => {
    const parsed = parseUnits(price, decimals);
    if (!parsed.ok) {
      setErrors({
        price: {
          empty: "enter a price (0 for free)",
          format: `a number of ${symbol}, like 2.5`,
          precision: `at most ${decimals} decimals`,
          too_large: "too large",
        }[parsed.reason],
      });
      return;
    }
    try {
      // The server takes USDT only when it is set up for it (ONTON_USDT_JETTON_MASTER); otherwise its field error shows.
      await add.mutateAsync({
        name,
        price: parsed.units,
        is_nft: isNft,
        ...(currency === "TON" ? {} : { currency }),
        ...(supply.trim() ? { supply: Number(supply) } : {}),
      });
      setName("");
      setPrice("");
      setSupply("");
      setIsNft(false);
      setErrors({});
    } catch (e) {
      setErrors(fieldErrors(e));
    }
  };
  return (
    <form
      className="card"
      aria-label="New ticket type"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Add a ticket type</h3>
      <Field label="Ticket name" error={errors.name}>
        {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Currency" error={errors.currency}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={currency} onChange={(e) => setCurrency(e.target.value === "USDT" ? "USDT" : "TON")}>
            <option value="TON">TON</option>
            <option value="USDT">USDT (TEP-74 jetton)</option>
          </select>
        )}
      </Field>
      <Field label={`Price (${symbol})`} error={errors.price} hint={`0 for free; sent to the API in units of 10^-${decimals} ${symbol}`}>
        {(id, d) => <input id={id} aria-describedby={d} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />}
      </Field>
      <Field label="Supply" error={errors.supply} hint="empty: unlimited">
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} value={supply} onChange={(e) => setSupply(e.target.value)} />}
      </Field>
      <label className="row">
        <input type="checkbox" checked={isNft} onChange={(e) => setIsNft(e.target.checked)} /> NFT ticket
      </label>
      <FormError message={errors[""] ?? errors.is_nft} />
      <button type="submit" disabled={add.isPending}>
        Add ticket type
      </button>
    </form>
  );
}

function ImageUpload(props: { eventUuid: string }) {
  const upload = useUploadImage(props.eventUuid);
  return (
    <Field label="Event image (PNG, JPEG or WebP)" error={upload.error?.message}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="file"
          accept="image/png,image/jpeg,image/webp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
          }}
        />
      )}
    </Field>
  );
}

/**
 * The event form (create a draft, or edit one), its ticket types, image and actions. `event` is the loaded event
 * when editing; `onCreated` gets a new draft's uuid, `onCloned` the clone's.
 */
export function EventEditor(props: { event?: EventInfo; onCreated: (uuid: string) => void; onCloned: (uuid: string) => void }) {
  const event = props.event;
  const uuid = event?.event_uuid;
  const [draft, setDraft] = useState<Draft>(() => (event ? draftOf(event) : emptyDraft()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string>();
  const save = useSaveEvent(uuid);
  // A different event (after a clone) is a new editor: the route keys it by the event's uuid.

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async () => {
    const { body, errors: local } = bodyOf(draft);
    if (!body) {
      setErrors(local);
      return;
    }
    try {
      const saved = await save.mutateAsync(body);
      setErrors({});
      setNotice("Saved.");
      if (!uuid) props.onCreated(saved.event_uuid);
    } catch (e) {
      setErrors(fieldErrors(e));
    }
  };

  const err = (field: string) => errors[field];
  return (
    <>
      {event && (
        <p>
          Status:{" "}
          <span className="badge" data-testid="event-status">
            {event.status}
          </span>
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <form
        aria-label="Event"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Title" error={err("title")}>
          {(id, d) => <input id={id} aria-describedby={d} value={draft.title} onChange={(e) => set("title", e.target.value)} />}
        </Field>
        <Field label="Subtitle" error={err("subtitle")}>
          {(id, d) => <input id={id} aria-describedby={d} value={draft.subtitle} onChange={(e) => set("subtitle", e.target.value)} />}
        </Field>
        <Field label="Description" error={err("description")}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={5} value={draft.description} onChange={(e) => set("description", e.target.value)} />}
        </Field>
        <Field label="Format" error={err("participation_type")}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.participation_type}
              onChange={(e) => set("participation_type", e.target.value as Draft["participation_type"])}
            >
              <option value="in_person">In person</option>
              <option value="online">Online</option>
            </select>
          )}
        </Field>
        {draft.participation_type === "in_person" ? (
          <Field label="Location" error={err("location")}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.location} onChange={(e) => set("location", e.target.value)} />}
          </Field>
        ) : (
          <Field label="Online link" error={err("online_link")}>
            {(id, d) => <input id={id} aria-describedby={d} type="url" value={draft.online_link} onChange={(e) => set("online_link", e.target.value)} />}
          </Field>
        )}
        <div className="row">
          <Field label="Starts" error={err("start_date")}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={draft.start} onChange={(e) => set("start", e.target.value)} />}
          </Field>
          <Field label="Ends" error={err("end_date")}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={draft.end} onChange={(e) => set("end", e.target.value)} />}
          </Field>
        </div>
        <div className="row">
          <Field label="Category" error={err("category")}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.category} onChange={(e) => set("category", e.target.value)} />}
          </Field>
          <Field label="Visibility" error={err("visibility")}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={draft.visibility} onChange={(e) => set("visibility", e.target.value as Draft["visibility"])}>
                <option value="public">Public</option>
                <option value="unlisted">Unlisted</option>
              </select>
            )}
          </Field>
        </div>
        <FormError message={errors[""]} />
        <button type="submit" disabled={save.isPending}>
          {uuid ? "Save changes" : "Create draft"}
        </button>
      </form>

      {uuid && event && (
        <>
          <section aria-label="Ticket types">
            <h2>Ticket types</h2>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Price</th>
                  <th>Sold</th>
                  <th>Supply</th>
                  <th>NFT</th>
                </tr>
              </thead>
              <tbody>
                {(event.ticket_types ?? []).map((tt: TicketType) => (
                  <tr key={tt.id}>
                    <td>{tt.name}</td>
                    <td>{tt.price === "0" ? "free" : formatAmount(tt.price, tt.currency)}</td>
                    <td>{tt.sold}</td>
                    <td>{tt.supply ?? "∞"}</td>
                    <td>{tt.is_nft ? "yes" : "no"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <TicketTypeForm eventUuid={uuid} />
          </section>
          <section aria-label="Image">
            {event.image_url && <img className="event-image" src={event.image_url} alt="" />}
            <ImageUpload eventUuid={uuid} />
          </section>
          <EventActions event={event} onCloned={props.onCloned} onNotice={setNotice} />
        </>
      )}
    </>
  );
}

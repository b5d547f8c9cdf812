import { useMemo, useState } from "react";
import { Field, FormError } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { categoryIds, categoryLabel, type Category } from "@/lib/categories";
import { currencies, formatAmount, type Currency } from "@/lib/money";
import type { EventInfo, TicketType } from "@/lib/schemas";
import { useAddTicketType, useDeleteTicketType, useSaveEvent, useUpdateTicketType, useUploadImage, type EventBody } from "../api/events";
import { emptyTicketType, hiddenTypeLink, ticketTypeBody, ticketTypeDraftOf, type TicketTypeDraft } from "../lib/ticket-type-form";
import { browserTimeZone, fromZonedInput, isTimeZone, timeZones, toZonedInput } from "../lib/zoned-time";
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
  timezone: string;
  category: string;
  visibility: "public" | "unlisted";
  requires_approval: boolean;
};

function emptyDraft(): Draft {
  const start = Math.floor(Date.now() / 1000 / 3600) * 3600 + 7 * 86400;
  const zone = browserTimeZone();
  return {
    title: "",
    subtitle: "",
    description: "",
    participation_type: "in_person",
    location: "",
    online_link: "",
    start: toZonedInput(start, zone),
    end: toZonedInput(start + 3 * 3600, zone),
    timezone: zone,
    category: "",
    visibility: "public",
    requires_approval: false,
  };
}

function draftOf(e: EventInfo): Draft {
  const zone = e.timezone && isTimeZone(e.timezone) ? e.timezone : "UTC";
  return {
    title: e.title,
    subtitle: e.subtitle ?? "",
    description: e.description ?? "",
    participation_type: e.participation_type,
    location: e.location ?? "",
    online_link: e.online_link ?? "",
    start: toZonedInput(e.start_date, zone),
    end: toZonedInput(e.end_date, zone),
    timezone: zone,
    category: e.category ?? "",
    visibility: e.visibility ?? "public",
    requires_approval: e.requires_approval ?? false,
  };
}

/** The API body for a draft; the dates (on the event's clock) are checked here so their errors sit by their fields. */
export function bodyOf(d: Draft): { body?: EventBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!isTimeZone(d.timezone)) errors.timezone = "choose a time zone";
  const start = errors.timezone ? null : fromZonedInput(d.start, d.timezone);
  const end = errors.timezone ? null : fromZonedInput(d.end, d.timezone);
  if (start === null && !errors.timezone) errors.start_date = "enter a date and time";
  if (end === null && !errors.timezone) errors.end_date = "enter a date and time";
  if (Object.keys(errors).length) return { errors };
  const body: EventBody = {
    title: d.title,
    description: d.description,
    participation_type: d.participation_type,
    start_date: start as number,
    end_date: end as number,
    timezone: d.timezone,
    visibility: d.visibility,
    requires_approval: d.requires_approval,
  };
  if (d.subtitle) body.subtitle = d.subtitle;
  if (d.category) body.category = d.category;
  if (d.participation_type === "online") body.online_link = d.online_link || null;
  else body.location = d.location || null;
  return { body, errors };
}

/** Adds a ticket type, or edits `editing` (every field the API takes). */
function TicketTypeForm(props: { eventUuid: string; zone: string; editing?: TicketType; onDone?: () => void }) {
  const add = useAddTicketType(props.eventUuid);
  const update = useUpdateTicketType(props.eventUuid);
  const editing = props.editing;
  const [draft, setDraft] = useState<TicketTypeDraft>(() => (editing ? ticketTypeDraftOf(editing, props.zone) : emptyTicketType()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof TicketTypeDraft>(key: K, value: TicketTypeDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const sold = editing ? editing.sold + editing.reserved > 0 : false;
  const pending = add.isPending || update.isPending;
  const submit = async () => {
    const { body, errors: local } = ticketTypeBody(draft, props.zone);
    if (!body) {
      setErrors(local);
      return;
    }
    try {
      if (editing) await update.mutateAsync({ id: editing.id, body });
      else await add.mutateAsync(body);
      setDraft(emptyTicketType());
      setErrors({});
      props.onDone?.();
    } catch (e) {
      setErrors(fieldErrors(e));
    }
  };
  const title = editing ? `Edit ${editing.name}` : "Add a ticket type";
  return (
    <form
      className="card"
      aria-label={editing ? `Edit ticket type ${editing.name}` : "New ticket type"}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{title}</h3>
      <Field label="Ticket name" error={errors.name}>
        {(id, d) => <input id={id} aria-describedby={d} required value={draft.name} onChange={(e) => set("name", e.target.value)} />}
      </Field>
      <Field label="Ticket description" error={errors.description}>
        {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={draft.description} onChange={(e) => set("description", e.target.value)} />}
      </Field>
      <div className="row">
        <Field label="Currency" error={errors.currency} hint={sold ? "fixed once tickets are sold" : undefined}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={draft.currency} disabled={sold} onChange={(e) => set("currency", e.target.value as Currency)}>
              {(Object.keys(currencies) as Currency[]).map((c) => (
                <option key={c} value={c}>
                  {currencies[c].symbol}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={`Price (${currencies[draft.currency].symbol})`} error={errors.price} hint={sold ? "fixed once tickets are sold" : "0 for free"}>
          {(id, d) => (
            <input id={id} aria-describedby={d} inputMode="decimal" disabled={sold} value={draft.price} onChange={(e) => set("price", e.target.value)} />
          )}
        </Field>
      </div>
      <div className="row">
        <Field label="Supply" error={errors.supply} hint={editing ? `empty: unlimited; at least ${editing.sold + editing.reserved}` : "empty: unlimited"}>
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} value={draft.supply} onChange={(e) => set("supply", e.target.value)} />}
        </Field>
        <Field label="Per-user limit" error={errors.per_user_limit} hint="empty: no limit">
          {(id, d) => (
            <input id={id} aria-describedby={d} type="number" min={1} value={draft.perUserLimit} onChange={(e) => set("perUserLimit", e.target.value)} />
          )}
        </Field>
      </div>
      <div className="row">
        <Field label="Sales open" error={errors.sale_start} hint={`empty: now (${props.zone})`}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={draft.saleStart} onChange={(e) => set("saleStart", e.target.value)} />}
        </Field>
        <Field label="Sales close" error={errors.sale_end} hint="empty: when the event ends">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={draft.saleEnd} onChange={(e) => set("saleEnd", e.target.value)} />}
        </Field>
      </div>
      <Field label="Who sees it" error={errors.visibility} hint="hidden: sold only through its direct link">
        {(id, d) => (
          <select id={id} aria-describedby={d} value={draft.visibility} onChange={(e) => set("visibility", e.target.value as TicketTypeDraft["visibility"])}>
            <option value="public">Everyone (public)</option>
            <option value="hidden">Only with the link (hidden)</option>
          </select>
        )}
      </Field>
      <label className="row">
        <input type="checkbox" checked={draft.transferable} onChange={(e) => set("transferable", e.target.checked)} /> Holders may transfer
      </label>
      <label className="row">
        <input type="checkbox" checked={draft.isNft} disabled={sold} onChange={(e) => set("isNft", e.target.checked)} /> NFT ticket
      </label>
      <FormError message={errors[""] ?? errors.is_nft ?? errors.transferable} />
      <div className="row">
        <button type="submit" disabled={pending}>
          {editing ? "Save ticket type" : "Add ticket type"}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={props.onDone}>
            Close
          </button>
        )}
      </div>
    </form>
  );
}

/** The event's ticket types with their direct links (hidden ones), edit and delete. */
function TicketTypes(props: { event: EventInfo; zone: string }) {
  const uuid = props.event.event_uuid;
  const [editing, setEditing] = useState<number | null>(null);
  const remove = useDeleteTicketType(uuid);
  const types = props.event.ticket_types ?? [];
  const current = types.find((t) => t.id === editing);
  return (
    <section aria-label="Ticket types">
      <h2>Ticket types</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Price</th>
            <th scope="col">Sold</th>
            <th scope="col">Supply</th>
            <th scope="col">Per user</th>
            <th scope="col">NFT</th>
            <th scope="col">Shown</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {types.map((tt: TicketType) => (
            <tr key={tt.id} data-ticket-type={tt.name}>
              <td>
                {tt.name}
                {tt.description && <div className="muted">{tt.description}</div>}
              </td>
              <td>{tt.price === "0" ? "free" : formatAmount(tt.price, tt.currency)}</td>
              <td>{tt.sold}</td>
              <td>{tt.supply ?? "∞"}</td>
              <td>{tt.per_user_limit ?? "—"}</td>
              <td>{tt.is_nft ? "yes" : "no"}</td>
              <td>
                {tt.visibility === "hidden" ? "hidden" : "public"}
                {tt.visibility === "hidden" && tt.access_code && (
                  <div className="mono" data-testid="hidden-link">
                    {hiddenTypeLink(window.location.origin, uuid, tt.access_code)}
                  </div>
                )}
              </td>
              <td className="row">
                <button type="button" className="secondary" aria-label={`Edit ${tt.name}`} onClick={() => setEditing(tt.id)}>
                  Edit
                </button>
                {tt.sold + tt.reserved === 0 && (
                  <button type="button" className="secondary" aria-label={`Delete ${tt.name}`} disabled={remove.isPending} onClick={() => remove.mutate(tt.id)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormError message={remove.error?.message} />
      {current ? (
        <TicketTypeForm key={current.id} eventUuid={uuid} zone={props.zone} editing={current} onDone={() => setEditing(null)} />
      ) : (
        <TicketTypeForm key="new" eventUuid={uuid} zone={props.zone} />
      )}
    </section>
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
  const zones = useMemo(() => timeZones(draft.timezone), [draft.timezone]);
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
        <Field label="Time zone" error={err("timezone")} hint="the start and end are on this zone's clock; guests see times in it">
          {(id, d) => (
            <select id={id} aria-describedby={d} value={draft.timezone} onChange={(e) => set("timezone", e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
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
            {(id, d) => (
              <select id={id} aria-describedby={d} value={draft.category} onChange={(e) => set("category", e.target.value)}>
                <option value="">None</option>
                {categoryIds.map((c) => (
                  <option key={c} value={c}>
                    {categoryLabel(c, "en")}
                  </option>
                ))}
                {draft.category && !categoryIds.includes(draft.category as Category) && <option value={draft.category}>{draft.category}</option>}
              </select>
            )}
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
        <label className="row">
          <input type="checkbox" checked={draft.requires_approval} onChange={(e) => set("requires_approval", e.target.checked)} /> Guests apply and I approve
          them before they get tickets
        </label>
        <FormError message={errors[""]} />
        <button type="submit" disabled={save.isPending}>
          {uuid ? "Save changes" : "Create draft"}
        </button>
      </form>

      {uuid && event && (
        <>
          <TicketTypes event={event} zone={draft.timezone} />
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

import { useCallback, useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import { fieldErrors, type Role } from "@/lib/api";
import { usePanel } from "./context";
import { EventTabs } from "./event-tabs";

export function StaffPage() {
  const { uuid = "" } = useParams();
  const { api } = usePanel();
  const [roles, setRoles] = useState<Role[]>([]);
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState("checkin_staff");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const load = useCallback(() => {
    api.call<{ items: Role[] }>(`/api/v1/events/${uuid}/roles`).then((r) => setRoles(r.items), (e) => setErrors(fieldErrors(e)));
  }, [api, uuid]);
  useEffect(load, [load]);
  return (
    <main>
      <h1>Co-organizers and check-in staff</h1>
      <EventTabs uuid={uuid} />
      <table>
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {roles.map((r) => (
            <tr key={`${r.user_id}-${r.role}`}>
              <td>
                {r.first_name ?? r.user_id} {r.username && <span className="muted">@{r.username}</span>}
              </td>
              <td>{r.role === "co_organizer" ? "co-organizer" : "check-in staff"}</td>
              <td>
                <button type="button" className="secondary" onClick={() => api.call(`/api/v1/events/${uuid}/roles/${r.user_id}/${r.role}`, { method: "DELETE" }).then(load, (e) => setErrors(fieldErrors(e)))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="card"
        aria-label="Add staff"
        onSubmit={(e) => {
          e.preventDefault();
          api.call(`/api/v1/events/${uuid}/roles`, { method: "POST", body: { user_id: Number(userId), role } }).then(
            () => {
              setUserId("");
              setErrors({});
              load();
            },
            (err) => setErrors(fieldErrors(err)),
          );
        }}
      >
        <Field label="Telegram user id" error={errors.user_id} hint="They must have opened Onton once.">
          {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" required value={userId} onChange={(e) => setUserId(e.target.value)} />}
        </Field>
        <Field label="Role" error={errors.role}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="checkin_staff">Check-in staff</option>
              <option value="co_organizer">Co-organizer</option>
            </select>
          )}
        </Field>
        <FormError message={errors[""]} />
        <button type="submit">Add</button>
      </form>
    </main>
  );
}

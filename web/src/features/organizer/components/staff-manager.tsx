import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { grantOf, useGrantRole, useRevokeRole, useRoles, type Role } from "../api/roles";

export function StaffManager(props: { eventUuid: string }) {
  const roles = useRoles(props.eventUuid);
  const grant = useGrantRole(props.eventUuid);
  const revoke = useRevokeRole(props.eventUuid);
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<Role["role"]>("checkin_staff");
  const errors = fieldErrors(grant.error ?? revoke.error ?? roles.error ?? null);
  const failed = Boolean(grant.error ?? revoke.error ?? roles.error);
  return (
    <>
      <table>
        <caption className="sr-only">Co-organizers and check-in staff</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(roles.data?.items ?? []).map((r) => (
            <tr key={`${r.user_id}-${r.role}`}>
              <td>
                {r.first_name ?? r.user_id} {r.username && <span className="muted">@{r.username}</span>}
              </td>
              <td>{r.role === "co_organizer" ? "co-organizer" : "check-in staff"}</td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Remove ${r.first_name ?? r.user_id}`}
                  onClick={() => revoke.mutate({ user_id: r.user_id, role: r.role })}
                >
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
          grant.mutate(grantOf(userId, role), { onSuccess: () => setUserId("") });
        }}
      >
        <Field label="Telegram @username or user id" error={failed ? (errors.username ?? errors.user_id) : undefined} hint="They must have opened Onton once.">
          {(id, d) => <input id={id} aria-describedby={d} autoComplete="off" required value={userId} onChange={(e) => setUserId(e.target.value)} />}
        </Field>
        <Field label="Role" error={failed ? errors.role : undefined}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={role} onChange={(e) => setRole(e.target.value as Role["role"])}>
              <option value="checkin_staff">Check-in staff</option>
              <option value="co_organizer">Co-organizer</option>
            </select>
          )}
        </Field>
        <FormError message={failed ? errors[""] : undefined} />
        <button type="submit" disabled={grant.isPending}>
          Add
        </button>
      </form>
    </>
  );
}

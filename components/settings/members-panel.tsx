"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states";
import { Table, Td } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { ApiError, api, fieldErrors } from "@/lib/queries/fetcher";
import { auditQueries, type MemberItem, memberQueries } from "@/lib/queries/settings";
import { memberCreate } from "@/lib/validation/users";

const ROLES = [
  { value: "staff", label: "Staff" },
  { value: "manager", label: "Manager" },
  { value: "admin", label: "Admin" },
];

export function MembersPanel({ currentUserId }: { currentUserId: string }) {
  const query = useQuery(memberQueries.list());
  const qc = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<MemberItem | null>(null);
  const invalidate = () => {
    qc.invalidateQueries({ queryKey: memberQueries.all });
    qc.invalidateQueries({ queryKey: auditQueries.all });
  };
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: string }) =>
      api(`/users/${id}`, { method: "PATCH", body: { role } }),
    onSuccess: () => {
      toast("Role changed");
      invalidate();
    },
    onError: (e) => {
      toast(e.message, "error");
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/users/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast(`Removed ${removing?.email}`);
      setRemoving(null);
      invalidate();
    },
    onError: (e) => toast(e.message, "error"),
  });

  return (
    <section>
      <div className="mb-4 flex items-center justify-between">
        <p className="text-sm text-slate-500">
          Admins manage everything; managers add reports and the audit log; staff send and edit content.
        </p>
        <Button onClick={() => setAdding(true)} data-testid="add-member">
          Add user
        </Button>
      </div>
      {query.isPending ? (
        <LoadingRows />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState title="No members">Add the people who will use Switchboard.</EmptyState>
      ) : (
        <Table head={["Email", "Name", "Role", "Member since", ""]} testId="members-table">
          {query.data.data.map((m) => (
            <tr key={m.id} data-testid={`member-row-${m.email}`}>
              <Td className="font-medium text-slate-900">{m.email}</Td>
              <Td>{m.name ?? "—"}</Td>
              <Td>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  // Your own role is changed by another admin, never by yourself.
                  disabled={changeRole.isPending || m.id === currentUserId}
                  title={m.id === currentUserId ? "Another admin can change your role" : undefined}
                  data-testid={`role-${m.email}`}
                  onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value })}
                  className="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300"
                >
                  {ROLES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </Td>
              <Td>{new Date(m.created_at).toLocaleDateString()}</Td>
              <Td className="text-right">
                {m.id === currentUserId ? (
                  <span className="text-xs text-slate-400">you</span>
                ) : (
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => setRemoving(m)}
                    data-testid={`remove-${m.email}`}
                  >
                    Remove
                  </Button>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <AddMemberDialog open={adding} onClose={() => setAdding(false)} onAdded={invalidate} />
      <Dialog open={removing !== null} onClose={() => setRemoving(null)} title="Remove member?">
        <p className="text-sm text-slate-600">
          <strong>{removing?.email}</strong> loses access to this organisation at once. Their account stays
          for other organisations.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setRemoving(null)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => removing && remove.mutate(removing.id)}
            disabled={remove.isPending}
            data-testid="confirm-remove"
          >
            Remove
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

function AddMemberDialog({
  open,
  onClose,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: () => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: (body: unknown) => api<MemberItem>("/users", { method: "POST", body }),
    onSuccess: (m) => {
      toast(`Added ${m.email} as ${m.role}`);
      onAdded();
      close();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  function close() {
    setErrors({});
    onClose();
  }
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const raw = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const data = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
    const parsed = memberCreate.safeParse(data);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    mutation.mutate(parsed.data);
  }
  return (
    <Dialog open={open} onClose={close} title="Add user" testId="add-member-dialog">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form ? <p className="text-sm text-rose-600">{errors.form}</p> : null}
        <TextField label="Email" name="email" type="email" error={errors.email} data-testid="member-email" />
        <TextField label="Name" name="name" error={errors.name} data-testid="member-name" />
        <SelectField
          label="Role"
          name="role"
          options={ROLES}
          defaultValue="staff"
          error={errors.role}
          data-testid="member-role"
        />
        <TextField
          label="Initial password"
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint="Needed for someone new to Switchboard; leave empty to add an existing user."
          data-testid="member-password"
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="member-submit">
            {mutation.isPending ? "Adding…" : "Add"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

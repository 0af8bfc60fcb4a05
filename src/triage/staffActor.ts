// Who does something on the staff side: a signed-in account, or the STAFF_TOKEN service (scripts).

export type StaffRole = 'agent' | 'supervisor';

export interface StaffActor {
  /** The account's login, or 'service' for the STAFF_TOKEN bearer. */
  login: string;
  /** The display name shown to staff and (in live chat) to the member. */
  name: string;
  role: StaffRole;
  service: boolean;
}

export type AuditDetail = Record<string, string | number | boolean | null>;

/** Appends to the audit log (who, when, what, on which inquiry). */
export interface AuditRecorder {
  record(entry: {
    actor: StaffActor;
    action: string;
    inquiryId?: string;
    detail?: AuditDetail;
  }): Promise<void>;
}

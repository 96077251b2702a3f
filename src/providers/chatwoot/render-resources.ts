import { getOwn } from '../../own.ts';
import type { Agent, ChatwootState, Contact, Inbox, Team, Webhook } from './model.ts';
import { toSeconds } from './render.ts';
import type { Actor } from './rules.ts';

/** The `api/v1/models/_contact.json.jbuilder` partial, optionally with its contact inboxes. */
export function renderContact(s: ChatwootState, c: Contact, withInboxes: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    additional_attributes: c.additional_attributes,
    availability_status: 'offline',
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    blocked: c.blocked,
    identifier: c.identifier,
    thumbnail: '',
    custom_attributes: c.custom_attributes,
  };
  // `if resource[:last_activity_at].present?`: the key is left out, not null, while unset.
  if (c.last_activity_at !== null) out.last_activity_at = toSeconds(c.last_activity_at);
  out.created_at = toSeconds(c.created_at);
  if (withInboxes) {
    // A contact has one contact inbox per inbox it talks through: few, whatever the store holds.
    out.contact_inboxes = (getOwn(s.index.contactInboxesOfContact, String(c.id)) ?? []).map((id) => {
      const ci = getOwn(s.contactInboxes, String(id))!;
      return { source_id: ci.source_id, inbox: renderInbox(getOwn(s.inboxes, String(ci.inbox_id))!) };
    });
  }
  return out;
}

/** The `_inbox.json.jbuilder` partial (the fields an integration reads). */
export function renderInbox(
  i: Inbox,
  viewer: { administrator: boolean } = NOT_ADMIN,
): Record<string, unknown> {
  const identity = i.channel_type === 'Channel::Api' || i.channel_type === 'Channel::WebWidget';
  const out: Record<string, unknown> = {
    id: i.id,
    avatar_url: '',
    channel_id: i.id,
    name: i.name,
    channel_type: i.channel_type,
    greeting_enabled: false,
    greeting_message: null,
    working_hours_enabled: false,
    enable_email_collect: true,
    csat_survey_enabled: false,
    enable_auto_assignment: true,
    out_of_office_message: null,
    working_hours: [],
    timezone: 'UTC',
    callback_webhook_url: null,
    allow_messages_after_resolved: true,
    lock_to_single_conversation: i.lock_to_single_conversation,
    sender_name_type: 'friendly',
    business_name: null,
    // `resource.channel.try(:hmac_mandatory)`: nil for channels without identity validation.
    hmac_mandatory: identity ? (i.hmac_mandatory ?? false) : null,
  };
  // `json.hmac_token ... if Current.account_user&.administrator?` (web widget and API channels).
  if (identity && viewer.administrator && i.hmac_token !== undefined) out.hmac_token = i.hmac_token;
  if (i.channel_type === 'Channel::WebWidget') {
    out.website_url = i.website_url;
    out.website_token = `token-${i.id}`;
    out.widget_color = '#1f93ff';
  }
  if (i.channel_type === 'Channel::Api') {
    out.webhook_url = i.webhook_url;
    out.inbox_identifier = `inbox-${i.id}`;
    out.secret = i.secret;
  }
  return out;
}

const NOT_ADMIN = { administrator: false };

/** Whether the caller is an account user with the administrator role (`Current.account_user&.administrator?`). */
export function toInboxViewer(actor: Actor): { administrator: boolean } {
  return { administrator: actor.kind === 'user' && actor.agent.role === 'administrator' };
}

/** The `api/v1/models/_agent.json.jbuilder` partial (`provider` is Devise's sign-in provider, `email`). */
export function renderAgent(a: Agent, accountId: number): Record<string, unknown> {
  return {
    id: a.id,
    account_id: accountId,
    availability_status: a.availability_status,
    auto_offline: true,
    confirmed: true,
    email: a.email,
    provider: 'email',
    available_name: a.name,
    name: a.name,
    role: a.role,
    thumbnail: '',
  };
}

/** The team an assignment answers. */
export function renderAssignedTeam(t: Team): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    allow_auto_assign: t.allow_auto_assign,
    account_id: t.account_id,
  };
}

/** The `_team.json.jbuilder` partial. */
export function renderTeam(t: Team, viewer: Agent | null): Record<string, unknown> {
  return { ...renderAssignedTeam(t), is_member: viewer ? t.agent_ids.includes(viewer.id) : false };
}

/** The `_webhook.json.jbuilder` partial, with `secret` (Chatwoot >= 4.11.2). */
export function renderWebhook(s: ChatwootState, w: Webhook): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: w.id,
    name: w.name,
    url: w.url,
    account_id: w.account_id,
    subscriptions: w.subscriptions,
    secret: w.secret,
  };
  const inbox = w.inbox_id === null ? undefined : getOwn(s.inboxes, String(w.inbox_id));
  if (inbox) out.inbox = { id: inbox.id, name: inbox.name };
  return out;
}

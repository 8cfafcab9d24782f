-- Web processes keep public pages for a second or two (app/utils/page-cache.server.ts). A change
-- to what those pages show notifies them to drop what they keep, so a pause, an edit or a
-- published update shows at once. Signature counts are not here: they may lag by the cache's
-- lifetime, and a notification per signature would queue every commit on the notify lock.
CREATE FUNCTION notify_public_pages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('public_pages_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER actions_public_pages_changed
  AFTER INSERT OR UPDATE OR DELETE ON actions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages_changed();
--> statement-breakpoint
-- Fan-out progress (fanout_*) is written batch by batch and shown only in the console.
CREATE TRIGGER action_updates_public_pages_changed
  AFTER INSERT OR DELETE OR UPDATE OF sequence, title, body, outcome, published_at ON action_updates
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages_changed();
--> statement-breakpoint
CREATE TRIGGER authorities_public_pages_changed
  AFTER INSERT OR UPDATE OR DELETE ON authorities
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages_changed();
--> statement-breakpoint
CREATE TRIGGER letter_templates_public_pages_changed
  AFTER INSERT OR UPDATE OR DELETE ON letter_templates
  FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages_changed();

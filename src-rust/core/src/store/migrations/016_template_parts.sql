-- Templates with parts Intake Desk cannot fill yet (a header with a variable or a picture, a
-- link button with a variable, a copy-code or flow button): a send would be refused by Meta, so
-- such a template is listed with the reason and cannot be chosen for a message. NULL: sendable.
ALTER TABLE wa_templates ADD COLUMN unsupported TEXT;

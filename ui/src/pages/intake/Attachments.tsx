import { Anchor, Button, Image, Modal, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import type { AttachmentView } from "../../bindings/AttachmentView";
import type { ErrorBody } from "../../bindings/ErrorBody";
import { formatBytes } from "../../format";
import * as ipc from "../../ipc";

export function Attachments({ intakeId, attachments }: { intakeId: number; attachments: AttachmentView[] }) {
  if (attachments.length === 0) return null;
  return (
    <Paper withBorder p="md" data-testid="attachments">
      <Stack gap="sm">
        <Title order={4}>Photos and files</Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {attachments.map((a) => (
            <Attachment key={a.mediaId} intakeId={intakeId} attachment={a} />
          ))}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

function Attachment({ intakeId, attachment: a }: { intakeId: number; attachment: AttachmentView }) {
  const size = a.size !== null ? ` · ${formatBytes(a.size)}` : "";
  return (
    <Stack gap={4} data-testid={`attachment-${a.mediaId}`} data-state={a.state}>
      <Text size="sm" fw={500}>
        {a.label}
      </Text>
      {a.state === "pending" && (
        <Text size="sm" c="dimmed">
          Still coming from WhatsApp. It appears here once it has arrived; nothing needs doing.
        </Text>
      )}
      {a.state === "failed" && (
        <Text size="sm" c="red.8">
          {a.problem ?? "This file could not be fetched from WhatsApp. Ask the patient to send it again."}
        </Text>
      )}
      {a.state === "fetched" && a.mime.startsWith("image/") && <LazyPhoto intakeId={intakeId} attachment={a} />}
      {a.state === "fetched" && !a.mime.startsWith("image/") && (
        <Text size="sm" c="dimmed">
          A file ({a.mime}
          {size}). It cannot be shown here.
        </Text>
      )}
    </Stack>
  );
}

type Photo = { status: "waiting" } | { status: "ready"; src: string } | { status: "error"; error: ErrorBody };

/** Fetches the photo only when it scrolls into view; a click shows it full size. */
function LazyPhoto({ intakeId, attachment }: { intakeId: number; attachment: AttachmentView }) {
  const box = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [photo, setPhoto] = useState<Photo>({ status: "waiting" });
  const [attempt, setAttempt] = useState(0);
  const [zoomed, setZoomed] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el || visible) return;
    if (typeof IntersectionObserver === "undefined") {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setVisible(true);
    }, { rootMargin: "200px" });
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible]);

  useEffect(() => {
    if (!visible) return;
    let live = true;
    setPhoto({ status: "waiting" });
    ipc
      .intakeMedia(intakeId, attachment.mediaId)
      .then((m) => live && setPhoto({ status: "ready", src: `data:${m.mime};base64,${m.base64}` }))
      .catch((raw: unknown) => live && setPhoto({ status: "error", error: ipc.toErrorBody(raw) }));
    return () => {
      live = false;
    };
  }, [visible, intakeId, attachment.mediaId, attempt]);

  return (
    <div ref={box}>
      {photo.status === "waiting" && <Skeleton h={160} aria-label={`Loading ${attachment.label}`} />}
      {photo.status === "error" && (
        <Stack gap={4} align="flex-start">
          <Text size="sm" c="red.8">
            {photo.error.message}
          </Text>
          <Button size="xs" variant="default" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
        </Stack>
      )}
      {photo.status === "ready" && (
        <>
          <Anchor component="button" type="button" onClick={() => setZoomed(true)} aria-label={`Show ${attachment.label} full size`}>
            <Image src={photo.src} alt={attachment.label} mah={220} fit="contain" radius="sm" data-testid="attachment-photo" />
          </Anchor>
          <Modal opened={zoomed} onClose={() => setZoomed(false)} title={attachment.label} size="auto" centered>
            <Image src={photo.src} alt={attachment.label} mah="80vh" fit="contain" />
          </Modal>
        </>
      )}
    </div>
  );
}

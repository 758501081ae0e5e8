import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { TryState } from "../bindings/TryState";
import { fail, mockBackend, renderUi } from "../test/utils";
import { TryBotPage } from "./TryBotPage";

const START: TryState = {
  finished: false,
  messages: [
    {
      fromPatient: false,
      text: "Welcome to Sunrise Clinic. Which language?",
      buttons: [
        { id: "lang:en", title: "English", description: null },
        { id: "lang:pt", title: "Português", description: null },
      ],
      listButton: null,
      listRows: [],
    },
  ],
};

const AFTER_CHOICE: TryState = {
  finished: false,
  messages: [
    ...START.messages,
    { fromPatient: true, text: "English", buttons: [], listButton: null, listRows: [] },
    {
      fromPatient: false,
      text: "What brings you in?",
      buttons: [],
      listButton: "Choose a reason",
      listRows: [
        { id: "reason:checkup", title: "Check-up", description: "A routine visit" },
        { id: "reason:pain", title: "Pain", description: null },
      ],
    },
  ],
};

describe("try the bot", () => {
  it("says it is practice only, shows reply buttons, and sends a choice on click", async () => {
    const b = mockBackend({ trybot_start: () => START, trybot_send: () => AFTER_CHOICE });
    const { user } = renderUi(<TryBotPage />);
    expect(screen.getByTestId("trybot-banner")).toHaveTextContent(
      "Practice only: nothing here is stored or sent, and it never mixes with real patients.",
    );
    await user.click(await screen.findByTestId("trybot-button-lang:en"));
    await waitFor(() => expect(b.last("trybot_send")).toEqual({ input: { type: "choice", id: "lang:en", title: "English" } }));
    expect(await screen.findByText("What brings you in?")).toBeInTheDocument();
    // Older buttons cannot be tapped again.
    expect(screen.getByTestId("trybot-button-lang:pt")).toBeDisabled();
  });

  it("opens a list and sends the row that was picked", async () => {
    const b = mockBackend({ trybot_start: () => AFTER_CHOICE, trybot_send: () => AFTER_CHOICE });
    const { user } = renderUi(<TryBotPage />);
    await user.click(await screen.findByTestId("trybot-list-open"));
    const row = await screen.findByTestId("trybot-list-row-reason:checkup");
    expect(row).toHaveTextContent("A routine visit");
    await user.click(row);
    await waitFor(() => expect(b.last("trybot_send")).toEqual({ input: { type: "choice", id: "reason:checkup", title: "Check-up" } }));
  });

  it("sends typed text, says when it is finished, and starts again", async () => {
    const b = mockBackend({
      trybot_start: () => START,
      trybot_send: () => ({
        finished: true,
        messages: [...START.messages, { fromPatient: true, text: "hello", buttons: [], listButton: null, listRows: [] }],
      }),
      trybot_reset: () => START,
    });
    const { user } = renderUi(<TryBotPage />);
    await user.type(await screen.findByTestId("trybot-input"), "hello{Enter}");
    await waitFor(() => expect(b.last("trybot_send")).toEqual({ input: { type: "text", text: "hello" } }));
    expect(await screen.findByTestId("trybot-finished")).toHaveTextContent("Nothing was stored");
    expect(screen.queryByTestId("trybot-input")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("trybot-reset"));
    expect(await screen.findByTestId("trybot-input")).toBeInTheDocument();
    expect(b.named("trybot_reset")).toHaveLength(1);
  });

  it("shows the reason when the practice chat cannot start", async () => {
    mockBackend({ trybot_start: fail("form.unavailable", "The intake form could not be loaded.") });
    renderUi(<TryBotPage />);
    expect(await screen.findByTestId("load-failed")).toHaveTextContent("The intake form could not be loaded.");
  });
});

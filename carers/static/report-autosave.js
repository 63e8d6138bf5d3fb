// Saves each section of the assessment report a moment after the worker stops typing, and
// when they leave the box. The form still works without this script (its Save button).
const DELAY_MS = 1500;

function setUp(form) {
  const token = form.querySelector('input[name="csrf_token"]').value;

  for (const box of form.querySelectorAll("textarea[data-autosave-url]")) {
    const key = box.dataset.autosaveKey;
    const revision = form.querySelector(`input[data-revision-for="${key}"]`);
    const status = document.getElementById(`${key}-status`);
    let timer = null;
    let saving = false;
    let lastSaved = box.value;

    const show = (text, isError) => {
      status.textContent = text;
      status.classList.toggle("govuk-error-message", Boolean(isError));
    };

    const save = async () => {
      timer = null;
      if (saving || box.value === lastSaved) return;
      saving = true;
      const sent = box.value;
      show("Saving…");
      const body = new FormData();
      body.append("csrf_token", token);
      body.append("body", sent);
      body.append("revision", revision.value);
      try {
        const response = await fetch(box.dataset.autosaveUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok && answer.saved) {
          revision.value = String(answer.revision);
          lastSaved = sent;
          show(answer.message || "Saved");
        } else {
          show(answer.error || "Not saved. Use the Save the report button.", true);
        }
      } catch {
        show("Not saved: check your connection. Your text is still here.", true);
      } finally {
        saving = false;
        if (box.value !== lastSaved && !status.classList.contains("govuk-error-message")) {
          timer = setTimeout(save, DELAY_MS);
        }
      }
    };

    box.addEventListener("input", () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, DELAY_MS);
    });
    // Leaving the page with a save pending: send it anyway (the answer is not awaited).
    window.addEventListener("pagehide", () => {
      if (box.value === lastSaved || !navigator.sendBeacon) return;
      const body = new FormData();
      body.append("csrf_token", token);
      body.append("body", box.value);
      body.append("revision", revision.value);
      navigator.sendBeacon(box.dataset.autosaveUrl, body);
    });
    box.addEventListener("blur", () => {
      if (timer) clearTimeout(timer);
      save();
    });
  }
}

for (const form of document.querySelectorAll("form.carers-report-form")) {
  setUp(form);
}

// The reading page: shows the reader's due image, takes an answer (R / S, then confidence 1-3, by key or click),
// posts it, and shows the next one only once the server has saved it. It is never told which answer is right.
"use strict";

const image = document.getElementById("image");
const viewer = document.getElementById("viewer");
const choices = document.querySelectorAll("[data-answer]");
const confidences = document.querySelectorAll("[data-confidence]");
const message = document.getElementById("message");
const brightness = document.getElementById("brightness");
const contrast = document.getElementById("contrast");
let current = null;  // the due item's token
let chosen = null;   // "real" or "synthetic", before the confidence is given
let busy = true;     // no answers while an image loads or an answer is being saved

function show(state) {
  document.getElementById("bar").style.width = `${(100 * state.answered) / state.total}%`;
  document.getElementById("count").textContent = `${state.answered} of ${state.total} answered`;
  if (state.done) {
    document.getElementById("study").hidden = true;
    document.getElementById("done").hidden = false;
    busy = true;
    return;
  }
  choose(null);
  if (state.item === current) {
    busy = false;
    return;
  }
  busy = true;
  current = state.item;
  image.src = `/image/${state.item}`;
}

function choose(answer) {
  chosen = answer;
  choices.forEach((button) => button.classList.toggle("chosen", button.dataset.answer === answer));
  confidences.forEach((button) => { button.disabled = answer === null; });
}

async function request(url, options) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  if (response.status === 401) {
    window.location.assign("/");
    return null;
  }
  const body = await response.json();
  message.textContent = response.ok ? "" : body.error;
  return body;
}

async function submit(confidence) {
  if (busy || chosen === null) return;
  busy = true;
  try {
    const state = await request("/api/answer", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ item: current, answer: chosen, confidence }),
    });
    if (state) show(state);
  } catch (error) {
    message.textContent = "The answer could not be saved (is the server running?). Try again.";
    busy = false;
  }
}

function applyView() {
  image.style.filter = `brightness(${brightness.value}%) contrast(${contrast.value}%)`;
}

function resetView() {
  brightness.value = 100;
  contrast.value = 100;
  viewer.classList.remove("zoomed");
  applyView();
}

image.addEventListener("load", () => { busy = false; });
choices.forEach((button) => button.addEventListener("click", () => { if (!busy) choose(button.dataset.answer); }));
confidences.forEach((button) => button.addEventListener("click", () => submit(Number(button.dataset.confidence))));
brightness.addEventListener("input", applyView);
contrast.addEventListener("input", applyView);
document.getElementById("zoom").addEventListener("click", () => viewer.classList.toggle("zoomed"));
document.getElementById("reset").addEventListener("click", resetView);
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.tagName === "INPUT") return;
  const key = event.key.toLowerCase();
  if (key === "r" && !busy) choose("real");
  else if (key === "s" && !busy) choose("synthetic");
  else if (["1", "2", "3"].includes(key)) submit(Number(key));
  else if (key === "z") viewer.classList.toggle("zoomed");
  else if (key === "0") resetView();
  else return;
  event.preventDefault();
});

request("/api/next").then((state) => { if (state) show(state); });

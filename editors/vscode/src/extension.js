// Starts `cloudburst lsp` (from the setting cloudburst.command) for Deluge files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("cloudburst").get("command") || "cloudburst";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("cloudburst", "Deluge (Cloudburst)", { run: server, debug: server }, {
    documentSelector: [{ language: "deluge" }],
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

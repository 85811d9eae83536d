// A LanguageClient for one vault among several. vscode-languageclient registers each server
// command (executeCommandProvider) as a VS Code command, which a second client for another
// vault cannot do again (VS Code refuses a command id twice, and the client fails to start).
// So this client keeps the capability but leaves the registration to the extension, which
// registers each server command once and sends it to the server of the vault it is about.
import { LanguageClient, ServerCapabilities, StaticFeature, DynamicFeature } from 'vscode-languageclient/node';
import { ExecuteCommandFeature } from 'vscode-languageclient/lib/common/executeCommand';
import type { ExecuteCommandRegistrationOptions } from 'vscode-languageserver-protocol';

/** Called with the server commands a client's server offers (set by the extension). */
let onServerCommands: (commands: readonly string[]) => void = () => undefined;

export function setServerCommandsHandler(fn: (commands: readonly string[]) => void): void {
  onServerCommands = fn;
}

/** ExecuteCommandFeature that reports the commands instead of registering them. */
class RoutedExecuteCommandFeature extends ExecuteCommandFeature {
  initialize(capabilities: ServerCapabilities): void {
    onServerCommands(capabilities.executeCommandProvider?.commands ?? []);
  }

  register(data: { registerOptions: ExecuteCommandRegistrationOptions }): void {
    onServerCommands(data.registerOptions.commands ?? []);
  }
}

export class VaultClient extends LanguageClient {
  // Called from LanguageClient's constructor for each built-in feature.
  registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    if (feature instanceof ExecuteCommandFeature && !(feature instanceof RoutedExecuteCommandFeature)) {
      super.registerFeature(new RoutedExecuteCommandFeature(this));
      return;
    }
    super.registerFeature(feature);
  }
}

/**
 * Turns off the AWS SDK's notice that its releases after early January 2027 need Node 22: it
 * is about the developer's machine, not the product (Lambda runs Node 24), and would otherwise
 * open every local command's output and test log. Call it before the first SDK client is made.
 */
export function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

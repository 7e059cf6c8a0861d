/**
 * Code both applications need: an applet-less Java Card library package.
 *
 * <p>Package AID {@code F05353434401}: RID {@code F053534344} (proprietary, not registered: an
 * {@code F} RID is free for local use) + PIX {@code 01}. The converter needs every package to
 * have its own AID; this one holds no applets, so its RID need not match any applet's.
 *
 * <p>The AIDs here are recorded for the reader; the protocol spec ({@code apdu_spec/}) will own
 * them and generate them into {@code *Constants.java}.
 */
package sscard.common;

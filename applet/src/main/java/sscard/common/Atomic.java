package sscard.common;

import javacard.framework.JCSystem;

/**
 * Transactions that join the caller's: a MAC'd command runs its effect and the ATC update in one
 * transaction the dispatcher opens (SSC-FIN-3), while the same code called outside a MAC'd command
 * needs its own. Java Card has no nested transactions, so code that writes persistent state asks
 * {@link #begin} and passes its answer to {@link #commit}.
 *
 * <p>Not for try counters decremented before a comparison: that decrement must be committed on
 * its own, whatever the command does afterwards (SSC-PIN-2, SSC-SM-6).
 */
public final class Atomic {

    private Atomic() {
    }

    /** Opens a transaction unless one is open; returns whether this call opened it. */
    public static boolean begin() {
        if (JCSystem.getTransactionDepth() != 0) {
            return false;
        }
        JCSystem.beginTransaction();
        return true;
    }

    /** Commits the transaction {@link #begin} opened ({@code own}); otherwise the caller's goes on. */
    public static void commit(boolean own) {
        if (own) {
            JCSystem.commitTransaction();
        }
    }
}

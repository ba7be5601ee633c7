package org.tokenscope.model;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then a cosine from {@code peak} down to
 * {@code floor} as training's progress goes from 0 to 1. Progress is the caller's measure: the share
 * of steps taken, of the time budget spent, or the larger of the two.
 */
public record LearningRateSchedule(double peak, double floor, int warmupSteps) {

    public LearningRateSchedule {
        if (!(peak > 0) || floor < 0 || floor > peak || warmupSteps < 0) {
            throw new IllegalArgumentException("A schedule needs 0 <= floor <= peak, peak > 0 and warm-up >= 0.");
        }
    }

    /** The rate of step {@code step} (counted from 0) at {@code progress} in [0, 1]. */
    public double rate(int step, double progress) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double p = Math.max(0, Math.min(1, progress));
        return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * p));
    }
}

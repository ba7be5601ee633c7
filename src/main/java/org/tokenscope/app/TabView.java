package org.tokenscope.app;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;

/**
 * One tab of the main window: a view bound to its own view-model. {@link Tabs} lists them; the main
 * view only lays them out.
 */
public interface TabView {

    /** The tab's title; its id is "tab-" and the title in lower case without hyphens. */
    String title();

    /** What the tab shows. */
    Node content();

    /**
     * Called once the tab exists: {@code shown} says whether it is the tab on screen (a view-model may work
     * only then), {@code show} brings it to the front.
     */
    default void attach(ObservableBooleanValue shown, Runnable show) {
    }
}

package org.tokenscope.app;

import java.util.List;
import java.util.function.Function;

/**
 * The main window's tabs, in order: each a view on its own view-model over the shared
 * {@link MainViewModel}. Adding a tab is one view, one view-model and one line here.
 */
final class Tabs {

    static final List<Function<MainViewModel, TabView>> ALL = List.of(
            main -> new HeatmapView(new HeatmapViewModel(main)),
            main -> new CompareView(new CompareViewModel(main)),
            main -> new TopKView(new TopKViewModel(main)),
            main -> new TokensView(new TokensViewModel(main)),
            main -> new InsideView(new InsideViewModel(main, main.runner()), main),
            main -> new GenerateView(new GenerateViewModel(main)),
            main -> new PairsView(new PairsViewModel(main, main.runner())),
            main -> new WhatIfView(new WhatIfViewModel(main, main.runner()), main),
            main -> new DetectView(new DetectViewModel(main, main.runner()), main),
            main -> new CorpusView(new CorpusViewModel(main, main.runner()), main),
            main -> new WhyView(new WhyViewModel(main, main.runner()), main));

    private Tabs() {
    }
}

package org.tokenscope.app;

/** The one selected token, shared by every figure that draws tokens. */
final class Selection {

    private Selection() {
    }

    /** Rings the selected token in {@code view}, and selects the token clicked there. */
    static void bind(FigureView view, MainViewModel main) {
        view.setMetadata(main::exportMetadata);
        view.selectedProperty().bind(main.selectedProperty());
        view.setOnItemClicked(item -> {
            if (FigureView.isToken(item)) {
                main.selectedProperty().set(item.index());
            }
        });
    }
}

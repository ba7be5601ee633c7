package org.tokenscope.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The desktop window. */
public final class TokenscopeApp extends Application {

    public static void launchApp(String[] args) {
        Application.launch(TokenscopeApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("tokenscope");
        stage.setScene(new Scene(new StackPane(new Label("tokenscope: the desktop app is coming; use the command line (tokenscope --help).")), 640, 240));
        stage.show();
    }
}

"""The window's vertical budget: the plots keep a fifth of the window's height, whatever else shows.

At 1280x720 and 200 % zoom everything cannot be shown at once, so the rows
that repeat something else give way first, in this order: the status bar
(its text is in the window title and the Tensors tab), the big buttons (the
toolbar has the same actions), extra lines of the phase strip's code (the Code
tab has them all; the first line stays, with the rest in its tooltip). When
that is still not enough (a roomy tab at 200 % on 720 px), the timeline's words
go (its tooltip says them), then the code's first line (the strip's tooltip
and the Code tab have it). The error banner scrolls past a share of the
height instead of growing. What is left goes to the tabs under the plots, which
scroll; their labels get tighter padding rather than be cut (fit_tabs).

The rule it keeps (``tests/ui/test_layout.py`` checks it): each plot's data
area, inside its axes, is at least ``window height / 5`` high.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QFontMetricsF, QGuiApplication
from PySide6.QtWidgets import (
    QFrame, QScrollArea, QSizePolicy, QTabWidget, QToolBar, QToolButton, QWidget,
)

from ui import theme
from ui.dock_room import DockRoom

#: Data area of each plot, as a share of the window's height.
PLOT_SHARE = 0.2
#: Lines of text the tabs under the plots keep at least (below their tab bar).
INSPECTOR_LINES = 5
#: With the Lesson tab open the optional rows give way until the tabs have this share.
LESSON_SHARE = 0.4
#: Tabs that get LESSON_SHARE of the height: the optional rows give way for them first.
ROOMY_TABS = ("Lesson", "Graph", "Landscape", "Data", "Code")
#: The banner scrolls beyond this share of the window's height.
BANNER_SHARE = 0.22
#: In presentation mode the banner scrolls sooner: the plots are the show.
PRESENTING_BANNER_SHARE = 0.15
#: A model dock wider than this share of the window is not restored.
DOCK_MAX_SHARE = 0.45
#: Below this centre width the big buttons would show "Fo…rd": the toolbar has them.
BIG_BUTTONS_MIN_WIDTH = 760
#: A tab's side padding (resources/style.qss), and the least when the tabs do not fit.
TAB_PAD, TIGHT_TAB_PAD = 14, 4
#: From this zoom on, the model panel steps aside for a roomy tab short of room.
DOCK_GIVES_WAY_ZOOM = 1.5
#: A tab's top and bottom padding (resources/style.qss), and when a roomy tab is short of room.
TAB_PAD_V, SHORT_TAB_PAD_V = 6, 2
SETTINGS_KEYS = ("window/geometry", "window/state", "window/centre")


def plot_chrome(plot: Any) -> float:
    """Height of a plot's title, legend and x axis (everything but the data area), in pixels."""
    from ui import plot_style  # pyqtgraph: imported after the start-up paint (ui/startup.py)

    item = plot.getPlotItem()
    legend = plot_style.label_height(plot_style.legend_font()) + 2
    # pyqtgraph fixes the title's row at 30 px: a taller label (200 %) takes no more height.
    title = min(item.titleLabel.itemRect().height(), item.layout.rowMaximumHeight(0))
    axis = item.getAxis("bottom").height()
    _left, top, _right, bottom = item.layout.getContentsMargins()
    return title + legend + axis + top + bottom + 6


def plot_data_floor(window_height: int) -> int:
    """The data-area height each plot keeps: a fifth of the window, rounded up."""
    return math.ceil(window_height * PLOT_SHARE) + 2


class BannerArea(QScrollArea):
    """Holds the message banner: as tall as its text, scrolling beyond a share of the window."""

    def __init__(self, banner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bannerArea")
        self.banner = banner
        hidden = banner.isHidden()
        self.setWidget(banner)  # which shows it: hide it again if it was hidden
        banner.setHidden(hidden)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.cap = 200
        banner.installEventFilter(self)
        self.setVisible(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # ShowToParent, not Show: the banner is shown while this area is still hidden.
        if watched is self.banner and event.type() in (
                QEvent.Type.ShowToParent, QEvent.Type.HideToParent, QEvent.Type.LayoutRequest,
                QEvent.Type.Resize):
            QTimer.singleShot(0, self, self.fit)
        return False

    def fit(self, show: bool = True) -> None:
        """As tall as the banner's text up to ``cap``; then (``show``) follow its visibility.

        The height is set before the area is shown: showing a child of a visible window
        lays the window out at once, and a stale height would grow it.
        """
        wanted = not self.banner.isHidden()
        if wanted:
            # While hidden the viewport's width is stale: the centre's width is the banner's.
            parent = self.parentWidget()
            width = self.viewport().width() if self.isVisible() or parent is None else (
                parent.contentsRect().width())
            need = self.banner.heightForWidth(max(100, width))
            if need <= 0:
                need = self.banner.sizeHint().height()
            # Under the tabs (ui/tabs_pane.py) the strip also leaves the tabs their share.
            limit = getattr(parent, "banner_limit", None)
            cap = self.cap if limit is None else min(self.cap, limit())
            self.setFixedHeight(min(need, cap))
        if show:
            self.setVisible(wanted)

    def room(self) -> int:
        """The height this area takes once the banner's visibility is followed."""
        return self.height() if not self.banner.isHidden() else 0


class LayoutKeeper(QObject):
    """Keeps the window's rows within its height (see the module docstring).

    Follows the window's resizes, the banner, the zoom, presentation mode and
    the colour scheme; :meth:`apply` runs at most once per event-loop turn.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.apply)
        window.installEventFilter(self)
        window.banner.installEventFilter(self)
        # Rows that come and go (the compare bar, the caption): budget again at once.
        self._rows: list[QWidget] = []
        layout = window.centralWidget().layout()
        for i in range(layout.count()):
            row = layout.itemAt(i).widget()
            if row is not None and row is not window.centre_splitter:
                row.installEventFilter(self)
                self._rows.append(row)
        # At once, not deferred: the layout would otherwise grow the window for the new
        # fonts before the budget hides what no longer fits.
        theme.changes.theme_changed.connect(self.apply)
        for button in window.toolbar.findChildren(QToolButton, "qt_toolbar_ext_button"):
            button.setToolTip("More of the toolbar")
        # The tabs' own minimum heights (a wrapped caption, a view) must not push the plots
        # or grow the window: the budget below gives the tabs their room instead.
        for index in range(window.inspector.count()):
            window.inspector.widget(index).setMinimumHeight(1)
        # Each tab's whole name in its tooltip: fit_tabs() may elide them on a narrow centre.
        tabs = window.inspector
        self._tab_bar = tabs.tabBar()
        self._tab_bar.installEventFilter(self)  # its font or style changed: fit the tabs again
        for index in range(tabs.count()):
            if not tabs.tabToolTip(index):
                tabs.setTabToolTip(index, tabs.tabText(index).replace("&", ""))
        #: Rows the budget hid; presentation mode hides rows of its own and must not fight it.
        self.enabled = True
        #: The model panel steps aside for a roomy tab short of room (ui/dock_room.py).
        self.dock_room = DockRoom(window.model_dock)
        self._short = False  # the last budget left a roomy tab short of room
        self._applying = False  # apply() is running: its own show/hide must not re-enter it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.window.banner and self.enabled:
            pass  # under the tabs (ui/tabs_pane.py) a message changes no budget: no reflow
        elif watched is self.window.banner or watched in self._rows:
            if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
                # Now, before the layout takes the banner: a deferred budget would come
                # after the window had grown to fit it. Not from inside apply() itself: the
                # rows it shows or hides would re-enter it, flip-flopping until the stack ends.
                if not self._applying:
                    self.apply()
        elif watched is getattr(self, "_tab_bar", None):
            if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and not getattr(
                    self, "_applying", True):
                self.schedule()
        elif event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
            self.schedule()
        return False

    def schedule(self) -> None:
        """Apply the budget once control returns to the event loop."""
        self._timer.start()

    def resize_window(self, width: int, height: int) -> None:
        """Resize the window, budgeting for ``height`` first (Qt never shrinks a window
        below its minimum, so rows that would not fit must go before, not after)."""
        self.apply(height)
        self.window.resize(width, height)
        self.apply()

    def apply(self, height: int | None = None) -> None:
        """Size the plots' floor and choose which optional rows fit ``height`` (default: now)."""
        if getattr(self, "_applying", False):
            # A row this budget shows or hides reports it through eventFilter: budget again
            # once control is back in the event loop, never recursively (rows that toggle
            # each other recursed until the stack overflowed).
            self.schedule()
            return
        self._applying = True
        try:
            self._apply(height)
        finally:
            self._applying = False

    def _apply(self, height: int | None) -> None:
        from ui import plot_style  # pyqtgraph: imported after the start-up paint (ui/startup.py)

        self._timer.stop()
        w = self.window
        height = w.height() if height is None else height
        if height <= 0:
            return
        fit_tabs(w.inspector, self._short)
        for plot in w.plots.plots.values():
            plot.getPlotItem().legend.relayout()
            plot_style.fit_title(plot)
        plots_min = math.ceil(max(plot_chrome(p) for p in w.plots.plots.values())
                              + plot_data_floor(height) + self._plots_extra())
        w.plots.setMinimumHeight(plots_min)
        w.banner_area.cap = int(height * (PRESENTING_BANNER_SHARE if theme.presenting() else BANNER_SHARE))
        w.banner_area.fit(show=False)  # shown last, once the rows that do not fit are gone
        if not self.enabled:
            # Presentation mode: no optional rows; the tabs show when they fit under the plots
            # (a running lesson's caption usually takes their room: it is the Lesson tab's text).
            spare = (height - self._fixed_height() - w.phase_strip.height_for_lines(1)
                     - plots_min - w.centre_splitter.handleWidth())
            lesson_told = (w.presentation.caption.isVisible()
                           and w.inspector.tabText(w.inspector.currentIndex()) == "Lesson")
            w.inspector.setVisible(not lesson_told
                                   and spare - w.banner_area.room() >= w.inspector.minimumSizeHint().height())
            w.banner_area.fit()
            give_banner_room(w, plots_min)
            return
        line = QFontMetricsF(QGuiApplication.font()).lineSpacing()
        code_line = w.phase_strip.code_line_height()
        tabs_min = max(w.inspector.tabBar().sizeHint().height() + INSPECTOR_LINES * line + 12,
                       w.inspector.minimumSizeHint().height())
        roomy = w.inspector.tabText(w.inspector.currentIndex()) in ROOMY_TABS
        if roomy:
            # A lesson wants room to read; a graph, a landscape or a data plot to be seen.
            tabs_min = max(tabs_min, LESSON_SHARE * height)
        status = w.statusBar().sizeHint().height()
        buttons = w.big_button_row.sizeHint().height()
        # One line of slack: wrapped labels grow a little when their panel is shown.
        spare = (height - self._fixed_height() - w.phase_strip.height_for_lines(1)
                 - plots_min - tabs_min - w.centre_splitter.handleWidth() - line)
        wide = w.centralWidget().width() >= BIG_BUTTONS_MIN_WIDTH
        # Priorities: a second line of code, the big buttons, the status bar, more code.
        code_lines = 1
        if spare >= code_line:
            code_lines, spare = 2, spare - code_line
        show_buttons = wide and spare >= buttons + self._spacing()
        spare -= buttons + self._spacing() if show_buttons else 0
        show_status = spare >= status
        spare -= status if show_status else 0
        code_lines += max(0, min(2, int(spare // code_line)))
        # Still short (a roomy tab at 200 % on 720 px): the words under the timeline go, then
        # the code line; the timeline's tooltip, the strip's tooltip and the Code tab keep them.
        timeline = w.plots.timeline
        words = timeline.height_with_label(True) - timeline.height_with_label(False)
        show_words, short = spare >= 0, False
        if not show_words:
            spare += words
            plots_min -= words
            w.plots.setMinimumHeight(plots_min)
            if spare < 0:
                short = roomy  # not a matter of a few pixels (200 %, not 100 %)
                code_lines, spare = 0, spare + code_line + max(0, w.phase_strip.layout().spacing())
        timeline.set_show_label(show_words)
        # A roomy tab that lost even the code line is short: at high zoom the width the
        # model panel takes goes to the tab too (its text wraps to fewer lines). At 100 %
        # a few pixels short (the compare bar on a 700 px window) is no reason to hide
        # the panel a class is looking at: the tab scrolls.
        self.dock_room.update(short and theme.current_zoom() >= DOCK_GIVES_WAY_ZOOM)
        if short != self._short:  # the tab labels' own padding gives a few pixels too
            self._short = short
            fit_tabs(w.inspector, short)
        w.phase_strip.set_max_code_lines(code_lines)
        w.big_button_row.setVisible(show_buttons)
        w.statusBar().setVisible(show_status)
        w.banner_area.fit()
        sizes = w.centre_splitter.sizes()
        if len(sizes) == 2 and sizes[0] < plots_min and sum(sizes) > 0:
            w.centre_splitter.setSizes([plots_min, max(0, sum(sizes) - plots_min)])
        elif (len(sizes) == 2 and roomy and (sizes[1] < tabs_min or short)
              and sizes[0] > plots_min and not getattr(w, "_splitter_user_sized", False)):
            # What the rows gave way for goes to the roomy tab, not back to the plots; a
            # short one gets all the plots can spare beyond their fifth of the window.
            plots = plots_min if short else max(plots_min, sum(sizes) - math.ceil(tabs_min))
            w.centre_splitter.setSizes([plots, sum(sizes) - plots])


    def _plots_extra(self) -> int:
        """Height of what the plots panel holds besides the plots (the timeline strip)."""
        layout = self.window.plots.layout()
        extra = 0
        for i in range(layout.count()):
            widget = layout.itemAt(i).widget()
            if widget is None or widget.isHidden() or any(
                    widget.isAncestorOf(p) for p in self.window.plots.plots.values()):
                continue
            hint = widget.sizeHint().height()
            if widget is self.window.plots.timeline:  # counted whole: apply() may drop its words
                hint = widget.height_with_label(True)
            extra += max(widget.minimumHeight(), hint) + layout.spacing()
        return extra

    def _spacing(self) -> int:
        return max(0, self.window.centralWidget().layout().spacing())

    def _fixed_height(self) -> float:
        """Height of what is neither plots, tabs, phase strip nor optional: menus, toolbar.

        Not the message strip: it sits under the tabs (ui/tabs_pane.py) and takes their room."""
        w = self.window
        total = 0.0
        if not w.menuBar().isHidden():
            total += w.menuBar().sizeHint().height()
        for toolbar in w.findChildren(QToolBar):
            if not toolbar.isHidden() and not toolbar.isFloating() and (
                    w.toolBarArea(toolbar) in (Qt.ToolBarArea.TopToolBarArea,
                                               Qt.ToolBarArea.BottomToolBarArea)):
                total += toolbar.sizeHint().height()
        layout = w.centralWidget().layout()
        margins = layout.contentsMargins()
        total += margins.top() + margins.bottom()
        skip = (w.centre_splitter, w.big_button_row, w.phase_strip)
        shown = 0
        for i in range(layout.count()):
            widget = layout.itemAt(i).widget()
            if widget is None or widget.isHidden() or widget is w.big_button_row:
                continue  # the big buttons' row and its spacing are budgeted by apply()
            shown += 1
            if widget not in skip:
                total += max(widget.minimumHeight(), widget.minimumSizeHint().height())
        return total + self._spacing() * max(0, shown - 1)


def give_banner_room(window: Any, plots_min: int) -> None:
    """With the tabs hidden (presentation mode) the message strip alone is the splitter's
    lower pane: give it the strip's height, the plots keeping their floor."""
    w = window
    sizes = w.centre_splitter.sizes()
    room = w.banner_area.room()
    if len(sizes) != 2 or not w.inspector.isHidden() or not room or sizes[1] >= room:
        return
    total = sum(sizes)
    plots = max(plots_min, total - room)
    w.centre_splitter.setSizes([plots, max(0, total - plots)])


def fit_tabs(tabs: QTabWidget, short: bool = False) -> None:
    """Keep every tab label whole when the centre is narrow (200 %): tighter padding first.

    ``short``: a roomy tab is short of height, so the labels' top and bottom padding shrink.

    Only when even the tightest tabs are wider than the bar are they elided (whole in
    their tooltips): Qt shares a shortfall among all tabs, and a tab 2 px short loses
    its word to "D…", so eliding is the last resort, not the first.
    """
    bar = tabs.tabBar()
    pad = int(bar.property("tabPad") or TAB_PAD)
    count = max(1, bar.count())
    natural = sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + count * 2 * (TAB_PAD - pad)
    room = tabs.width() - 8  # the selected tab is bold, a little wider than its hint
    want = TAB_PAD - max(0, math.ceil((natural - room) / (2 * count)))
    want = max(TIGHT_TAB_PAD, min(TAB_PAD, want))
    pad_v = SHORT_TAB_PAD_V if short else TAB_PAD_V
    if want != pad or pad_v != int(bar.property("tabPadV") or TAB_PAD_V):
        bar.setProperty("tabPad", want)
        bar.setProperty("tabPadV", pad_v)
        bar.setStyleSheet("" if (want, pad_v) == (TAB_PAD, TAB_PAD_V) else (
            f"QTabBar::tab {{ padding: {pad_v}px {want}px; }}"
            " QTabBar::tab:selected { font-weight: bold; }"))
    tightest = natural - count * 2 * (TAB_PAD - TIGHT_TAB_PAD)
    elide = Qt.TextElideMode.ElideRight if tightest > room else Qt.TextElideMode.ElideNone
    if tabs.elideMode() != elide:
        tabs.setElideMode(elide)


def layout_is_sound(window: Any) -> bool:
    """Whether a restored layout keeps the rules: on screen, dock not too wide, plots not squeezed."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        frame = window.frameGeometry()
        if frame.width() > area.width() + 8 or frame.height() > area.height() + 8:
            return False
        if not area.intersects(frame):
            return False
    dock = window.model_dock
    if dock.isVisible() and not dock.isFloating() and dock.width() > window.width() * DOCK_MAX_SHARE:
        return False
    return window.centralWidget().width() >= 3 * 150


def forget_layout() -> None:
    """Remove the remembered window layout from QSettings (the zoom stays)."""
    settings = QSettings()
    for key in SETTINGS_KEYS:
        settings.remove(key)


def keep_on_screen(window: Any) -> None:
    """Shrink and move a normal window until its frame (title bar and borders too) is on screen.

    The first-run size is taken from the screen's available geometry before the
    window manager has framed the window: at 1024 px the borders pushed the frame
    past the screen's edge. Full-screen and maximised windows are the platform's.
    """
    if not window.isVisible() or window.windowState() & (
            Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized):
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        keeper = getattr(window, "layout_keeper", None)  # None: the start-up shell (ui/startup.py)
        if keeper is not None:
            keeper.resize_window(width, height)
        else:
            window.resize(width, height)
        frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.x() + area.width() - frame.width())
    y = min(max(frame.y(), area.y()), area.y() + area.height() - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)  # a top-level's position is its frame's

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-icons.h: a resource's symbol on a map — a disc of its category's colour with a white edge and
 * the category's symbolic icon in white on it (the icons the window's lists show, drawn with
 * librsvg). Vector on PDF; on image surfaces (tiles, PNG) a bitmap drawn once per category and
 * size. Safe from several threads at once: the window draws tiles in threads. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* The name of @category's icon ("cm-health-symbolic"), or NULL when there is none to draw; an
 * unknown category has the icon of "other". */
const char *cm_icons_get_name (const char *category);

/* Draws the symbol of a resource of @category centred at @x, @y, the disc's radius @r (in @cr's
 * units), its white edge a fifth of that wide around it. */
void cm_icons_draw_symbol (cairo_t *cr, const char *category, double x, double y, double r);

G_END_DECLS

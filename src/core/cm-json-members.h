/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cm-json-members.h: reading the members of a JSON object a person wrote (a life-circle table, a
 * category list) without trusting their types: a member of the wrong type reads as missing,
 * never as a warning or a crash (json-glib's typed getters assert). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A copy of @name's string, or NULL when it is missing or not a string. */
char *cm_json_member_string (JsonObject *object, const char *name);
/* @name's number, or NAN when it is missing or not a number. */
double cm_json_member_number (JsonObject *object, const char *name);
/* The strings of @name's array (other elements left out), NULL-terminated; empty when @name is
 * missing or not an array. */
char **cm_json_member_strings (JsonObject *object, const char *name);
/* @name's array, or NULL when it is missing or not an array. */
JsonArray *cm_json_member_array (JsonObject *object, const char *name);
/* Element @index of @array when it is an object, else NULL. */
JsonObject *cm_json_element_object (JsonArray *array, guint index);

G_END_DECLS

/**
 * What a catalog name may be: letters, digits and `. _ : -`, starting with a
 * letter or digit, at most 128 characters. Its own file, free of Node imports,
 * so that the console checks names with the very pattern the server does.
 */
export const MODEL_NAME = /^[a-zA-Z0-9][\w.:-]{0,127}$/;

import DefaultTheme from 'vitepress/theme';
import './wideTables.css';

/** The default theme, with room for the generated reference pages' tables. */
export default DefaultTheme;
